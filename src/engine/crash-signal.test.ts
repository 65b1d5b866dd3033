import { describe, expect, it } from 'vitest';
import { survivors } from '../../common/gc-probe';
import type { EngineApi } from '../../workers/protocol';
import { watchCrashes } from './crash-signal';

function crashableEngine() {
  let crash: (error: Error) => void = () => {};
  const engine = { onCrash: (listener: (error: Error) => void) => ((crash = listener), () => {}) };
  return { engine: engine as unknown as EngineApi, crash: (error: Error) => crash(error) };
}

/** Reads `count` token events, each raced as the bridge races a read; returns refs to the events. */
async function readTokens(count: number, race: <T>(p: Promise<T>) => Promise<T>): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < count; i++) {
    const event = { type: 'token', index: i, text: 'x'.repeat(1000) };
    refs.push(new WeakRef(event));
    await race(Promise.resolve({ value: event, done: false }));
  }
  return refs;
}

describe('watchCrashes', () => {
  it('a crash rejects what waits on the worker; the restarted worker is raced afresh', async () => {
    const { engine, crash } = crashableEngine();
    const crashes: string[] = [];
    const signal = watchCrashes(engine, (e) => crashes.push(e.message));
    const hung = signal.race(new Promise(() => {}));
    crash(new Error('The engine worker crashed.'));
    await expect(hung).rejects.toThrow('The engine worker crashed.');
    expect(crashes).toEqual(['The engine worker crashed.']);
    await expect(signal.race(Promise.resolve('after restart'))).resolves.toBe('after restart');
  });

  it('keeps no token event a read was raced with (the signal lives as long as the page)', async () => {
    const signal = watchCrashes(crashableEngine().engine, () => {});
    const refs = await readTokens(200, signal.race);
    expect(signal.pending).toBe(0);
    expect(await survivors(refs)).toBe(0);
  });
});
