import { describe, expect, it } from 'vitest';
import { appendBounded, trackLoadSpeed, type ByteSample } from './load-speed';

describe('trackLoadSpeed', () => {
  it('measures bytes per second over the window and the time left', () => {
    const samples: ByteSample[] = [];
    expect(trackLoadSpeed(samples, 0, 0, 10_000_000)).toEqual({ bytesPerSecond: null, etaMs: null });
    const speed = trackLoadSpeed(samples, 1000, 2_000_000, 10_000_000);
    expect(speed.bytesPerSecond).toBe(2_000_000);
    expect(speed.etaMs).toBe(4000);
  });

  it('forgets samples older than the window, so speed follows changes', () => {
    const samples: ByteSample[] = [];
    trackLoadSpeed(samples, 0, 0, null);
    trackLoadSpeed(samples, 1000, 10_000_000, null);
    for (let t = 2000; t <= 6000; t += 1000) trackLoadSpeed(samples, t, 10_000_000 + (t - 1000) * 1000, null);
    const speed = trackLoadSpeed(samples, 7000, 16_000_000, null);
    expect(speed.bytesPerSecond).toBeCloseTo(1_000_000, -3);
    expect(speed.etaMs).toBeNull();
  });
});

describe('appendBounded', () => {
  it('halves the resolution instead of dropping the start of the run', () => {
    let series: number[] = [];
    for (let i = 1; i <= 9; i++) series = appendBounded(series, i, 8);
    expect(series).toEqual([1.5, 3.5, 5.5, 7.5, 9]);
  });
});
