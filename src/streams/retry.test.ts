import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, cancellableSleep } from './retry';

afterEach(() => vi.useRealTimers());

describe('backoff', () => {
  it('doubles from 1 s, jittered within ±10%', () => {
    expect([1, 2, 3].map((a) => backoffDelayMs(a, { random: () => 0.5 }))).toEqual([1000, 2000, 4000]);
    expect(backoffDelayMs(2, { random: () => 0 })).toBe(1800);
    expect(backoffDelayMs(2, { random: () => 1 })).toBe(2200);
  });

  it('sleeps, and a cancel ends the wait at once with LoadCancelled', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const done = vi.fn();
    void cancellableSleep(1000, new AbortController().signal).then(done);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalled();
    const waiting = cancellableSleep(5000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'LoadCancelled' });
  });
});
