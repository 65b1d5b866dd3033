import { describe, expect, it } from 'vitest';
import { WorkerHealth, type HealthTimers } from './worker-health';

function fakeTimers() {
  let now = 0;
  let tick: (() => void) | null = null;
  const timers: HealthTimers = {
    now: () => now,
    setInterval: (fn) => (tick = fn),
    clearInterval: () => (tick = null),
  };
  return {
    timers,
    advance: async (ms: number, step = 500) => {
      for (let t = 0; t < ms; t += step) {
        now += step;
        tick?.();
        await Promise.resolve();
        await Promise.resolve();
      }
    },
  };
}

describe('WorkerHealth', () => {
  it('reports a worker that stops answering, and only then', async () => {
    const clock = fakeTimers();
    let answering = true;
    const hung: number[] = [];
    const health = new WorkerHealth(
      () => (answering ? Promise.resolve() : new Promise(() => {})),
      (ms) => hung.push(ms),
      { hangMs: 2000, timers: clock.timers },
    );
    health.start();
    await clock.advance(5000);
    expect(hung).toEqual([]);
    expect(health.started).toBe(true);
    answering = false;
    await clock.advance(3000);
    expect(hung).toHaveLength(1);
  });

  it('gives a long call (load, prefill) the longer limit until it ends, even if the worker answers between steps', async () => {
    const clock = fakeTimers();
    let answering = false;
    const hung: number[] = [];
    const health = new WorkerHealth(
      () => (answering ? Promise.resolve() : new Promise<void>((r) => setTimeout(r, 0))),
      (ms) => hung.push(ms),
      { hangMs: 2000, busyHangMs: 10_000, timers: clock.timers },
    );
    answering = true;
    health.start();
    await clock.advance(1000);
    expect(health.started).toBe(true);
    const release = health.busy();
    // A load answers between its fetches, then blocks for one long synchronous step.
    await clock.advance(1000);
    answering = false;
    await clock.advance(6000);
    expect(hung).toEqual([]);
    release();
    await clock.advance(3000);
    expect(hung).toHaveLength(1);
  });

  it('keeps the longer limit for the whole long call, even after the worker answered in between', async () => {
    const clock = fakeTimers();
    let answering = true;
    const hung: number[] = [];
    const health = new WorkerHealth(
      () => (answering ? Promise.resolve() : new Promise(() => {})),
      (ms) => hung.push(ms),
      { hangMs: 2000, busyHangMs: 10_000, timers: clock.timers },
    );
    health.start();
    await clock.advance(1000);
    const done = health.busy();
    // The load answers a ping between two of its awaits, then blocks (session creation) for 6 s.
    await clock.advance(1000);
    answering = false;
    await clock.advance(6000);
    expect(hung).toEqual([]);
    done();
    answering = true;
    await clock.advance(1000);
    answering = false;
    await clock.advance(3000);
    expect(hung).toHaveLength(1);
  });

  it('knows a worker that never answered never started (its script did not load)', async () => {
    const clock = fakeTimers();
    const health = new WorkerHealth(
      () => new Promise(() => {}),
      () => {},
      { timers: clock.timers },
    );
    health.start();
    await clock.advance(1000);
    expect(health.started).toBe(false);
  });
});

describe('WorkerHealth before the first answer', () => {
  it('waits busyHangMs for a new worker still evaluating its modules', async () => {
    let now = 0;
    const timer: { tick: (() => void) | null } = { tick: null };
    const hung: number[] = [];
    const health = new WorkerHealth(
      () => new Promise(() => {}),
      (ms) => hung.push(ms),
      {
        hangMs: 2000,
        busyHangMs: 10_000,
        timers: { now: () => now, setInterval: (fn) => (timer.tick = fn), clearInterval: () => (timer.tick = null) },
      },
    );
    health.start();
    for (; now < 5000; now += 500) timer.tick?.();
    expect(hung).toEqual([]);
    for (; now < 12_000; now += 500) timer.tick?.();
    expect(hung).toHaveLength(1);
  });
});

describe('WorkerHealth with slow passes', () => {
  it('stretches the strict limit to four of the recent passes, and still reports a worker that stops', async () => {
    let now = 0;
    const timer: { tick: (() => void) | null } = { tick: null };
    const counters = { forwardPasses: 0, forwardMs: 0 };
    // From 1 s on, a model whose every pass blocks the worker for 3 s: pings are answered between passes only. The
    // generation holds the long limit until its first token (the end of the first pass), as WorkerEngine does.
    let running = false;
    let release = () => {};
    let waiting: ((c: typeof counters) => void)[] = [];
    const hung: number[] = [];
    const health = new WorkerHealth(
      () =>
        new Promise((resolve) => {
          if (running) waiting.push(resolve);
          else resolve({ ...counters });
        }),
      (ms) => hung.push(ms),
      {
        hangMs: 2000,
        timers: { now: () => now, setInterval: (fn) => (timer.tick = fn), clearInterval: () => (timer.tick = null) },
      },
    );
    const run = async (until: number, passesEnd: boolean) => {
      for (; now < until; now += 500) {
        if (now === 1000) {
          running = true;
          release = health.busy();
        }
        if (passesEnd && running && now > 1000 && now % 3000 === 1000) {
          release();
          counters.forwardPasses++;
          counters.forwardMs += 3000;
          waiting.forEach((answer) => answer({ ...counters }));
          waiting = [];
        }
        timer.tick?.();
        await Promise.resolve();
        await Promise.resolve();
      }
    };
    health.start();
    await run(31_000, true);
    expect(hung).toEqual([]);
    expect(counters.forwardPasses).toBe(9);
    // Stuck in a pass after the one ending at 28 s: reported once silent for four passes' time (12 s), not 2 s
    // and not never.
    await run(39_500, false);
    expect(hung).toEqual([]);
    await run(42_000, false);
    expect(hung).toHaveLength(1);
    expect(hung[0]).toBeGreaterThan(12_000);
  });
});
