import { describe, expect, it } from 'vitest';
import { survivors } from './gc-probe';
import { RaceSignal } from './race-signal';

/** Awaits `count` races of a fresh 600 kB row each (a Qwen logits row), and returns refs to the rows. */
async function raceRows(count: number, race: <T>(p: Promise<T>) => Promise<T>): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < count; i++) {
    const row = new Float32Array(151_936);
    refs.push(new WeakRef(row));
    await race(Promise.resolve(row));
  }
  return refs;
}

describe('RaceSignal', () => {
  it('settles as the raced promise does', async () => {
    const signal = new RaceSignal();
    await expect(signal.race(Promise.resolve(7))).resolves.toBe(7);
    await expect(signal.race(Promise.reject(new Error('pass failed')))).rejects.toThrow('pass failed');
    expect(signal.pending).toBe(0);
  });

  it('rejectWaiting rejects the races now waiting and leaves later ones alone', async () => {
    const signal = new RaceSignal();
    const hung = signal.race(new Promise(() => {}));
    expect(signal.pending).toBe(1);
    signal.rejectWaiting(new Error('worker crashed'));
    await expect(hung).rejects.toThrow('worker crashed');
    await expect(signal.race(Promise.resolve('next worker'))).resolves.toBe('next worker');
    expect(signal.failed).toBe(false);
  });

  it('fail rejects the waiting races and every later one with the first error', async () => {
    const signal = new RaceSignal();
    const hung = signal.race(new Promise(() => {}));
    signal.fail(new Error('device lost'));
    signal.fail(new Error('a second loss'));
    await expect(hung).rejects.toThrow('device lost');
    await expect(signal.race(Promise.resolve(1))).rejects.toThrow('device lost');
    expect(signal.failed).toBe(true);
  });

  it('keeps nothing of a settled race', async () => {
    const signal = new RaceSignal();
    const refs = await raceRows(20, (p) => signal.race(p));
    expect(signal.pending).toBe(0);
    expect(await survivors(refs)).toBe(0);
  });

  it('the probe sees what is still reachable (so a zero above means collected, not unseen)', async () => {
    const held = Array.from({ length: 3 }, () => new Float32Array(1024));
    expect(await survivors(held.map((row) => new WeakRef(row)))).toBe(3);
    expect(held).toHaveLength(3);
  });
});
