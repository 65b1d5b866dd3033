import { describe, expect, it, vi } from 'vitest';
import type { EngineApi, ModelSpec } from '../../workers/protocol';
import { FakeEngine } from './fake-engine';
import { createRoutedEngine } from './routed-engine';
import type { WorkerEngine } from './worker-engine';

const REMOTE: ModelSpec = { source: { kind: 'remote', baseUrl: 'http://llm.test/v1', model: 'm' } };
const LOCAL: ModelSpec = { source: { kind: 'url', url: '/models/demo/' } };

function asWorker(engine: EngineApi) {
  const listeners = new Set<(e: Error) => void>();
  const worker = Object.assign(engine, {
    restart: vi.fn(async () => {}),
    onCrash: (l: (e: Error) => void) => (listeners.add(l), () => listeners.delete(l)),
  }) as WorkerEngine;
  return { worker, crash: (e: Error) => listeners.forEach((l) => l(e)) };
}

describe('createRoutedEngine', () => {
  it('loads remote specs on the remote engine and unloads the local model first', async () => {
    const local = new FakeEngine();
    const remote = new FakeEngine();
    const { worker } = asWorker(local);
    const unloadLocal = vi.spyOn(local, 'unload');
    const remoteLoad = vi.spyOn(remote, 'load');
    const engine = createRoutedEngine(worker, remote);
    await engine.load(LOCAL);
    expect((await local.status()).state).toBe('ready');
    await engine.load(REMOTE);
    expect(remoteLoad).toHaveBeenCalledWith(REMOTE, undefined);
    expect(unloadLocal).toHaveBeenCalled();
    // Storage is always this browser's: the worker's.
    const storage = vi.spyOn(local, 'storage');
    await engine.storage();
    expect(storage).toHaveBeenCalled();
  });

  it('passes on a worker crash only while the worker is the one answering', async () => {
    const { worker, crash } = asWorker(new FakeEngine());
    const engine = createRoutedEngine(worker, new FakeEngine());
    const seen: Error[] = [];
    engine.onCrash((e) => seen.push(e));
    await engine.load(REMOTE);
    crash(new Error('while remote'));
    await engine.load(LOCAL);
    crash(new Error('while local'));
    expect(seen.map((e) => e.message)).toEqual(['while local']);
  });

  it('keeps call order: a stop sent right after a load on the same side cancels it', async () => {
    const local = new FakeEngine();
    const { worker } = asWorker(local);
    const engine = createRoutedEngine(worker, new FakeEngine());
    const loading = engine.load(LOCAL);
    await engine.stop();
    await expect(loading).rejects.toMatchObject({ name: 'LoadCancelled' });
    expect((await engine.status()).model).toBeNull();
  });

  it('a stop while a load switches sides cancels that load before it starts', async () => {
    const local = new FakeEngine();
    const remote = new FakeEngine();
    const { worker } = asWorker(local);
    const remoteLoad = vi.spyOn(remote, 'load');
    const engine = createRoutedEngine(worker, remote);
    const loading = engine.load(REMOTE);
    await engine.stop();
    await expect(loading).rejects.toMatchObject({ name: 'LoadCancelled' });
    expect(remoteLoad).not.toHaveBeenCalled();
  });
});
