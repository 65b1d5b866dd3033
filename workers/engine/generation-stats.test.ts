import { describe, expect, it } from 'vitest';
import { GenerationClock } from './generation-stats';

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('GenerationClock', () => {
  it('computes TTFT, prefill and sliding-window decode rates', () => {
    const time = fakeClock();
    const clock = new GenerationClock(100, 50, time.now, 4);
    time.advance(200);
    clock.prefillDone();
    clock.token();
    for (let i = 0; i < 3; i++) {
      time.advance(100);
      clock.token();
    }
    for (let i = 0; i < 3; i++) {
      time.advance(10);
      clock.token();
    }
    const s = clock.snapshot();
    expect(s.ttftMs).toBe(200);
    expect(s.prefillTokPerS).toBe(500);
    // The window holds the last 4 tokens, 10 ms apart: 100 tok/s; the whole decode averages 6 tokens over 330 ms.
    expect(s.decodeTokPerS).toBeCloseTo(100);
    expect(s.averageDecodeTokPerS).toBeCloseTo((6 * 1000) / 330);
    expect(s.tokens).toBe(7);
    expect(s.etaMs).toBeCloseTo((43 * 1000) / 100);
  });

  it('takes paused time out of rates and elapsed time', () => {
    const time = fakeClock();
    const clock = new GenerationClock(1, 10, time.now);
    clock.token();
    time.advance(10);
    clock.pause();
    time.advance(5000);
    clock.resume();
    time.advance(10);
    clock.token();
    const s = clock.snapshot();
    expect(s.pausedMs).toBe(5000);
    expect(s.elapsedMs).toBe(20);
    expect(s.decodeTokPerS).toBeCloseTo(50);
  });
});
