import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineApi, StreamEvent } from '../../workers/protocol';
import { createAppStore } from './store';
import { connectedBridge } from './test-bridge';
import { FakeEngine } from '../engine/fake-engine';

/** A manual animation-frame queue: nothing reaches the store until the test runs a frame. */
function manualFrames() {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
    // These tests count updates per frame; pacing between frames has its own test.
    minFrameIntervalMs: 0,
    scheduleFrame: (cb: () => void) => {
      queue.set(next, cb);
      return next++;
    },
    cancelFrame: (h: number) => void queue.delete(h),
    run() {
      const callbacks = [...queue.values()];
      queue.clear();
      callbacks.forEach((cb) => cb());
    },
    get pending() {
      return queue.size;
    },
  };
}

async function ready(engine: EngineApi = new FakeEngine({ tokenIntervalMs: 1 })) {
  const store = createAppStore();
  const frames = manualFrames();
  const bridge = connectedBridge(engine, store, frames);
  await bridge.load({ source: { kind: 'url', url: '/models/demo/' } });
  frames.run();
  return { store, frames, bridge };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => vi.useRealTimers());

describe('bridge', () => {
  it('paces store updates to one per minFrameIntervalMs while tokens stream', async () => {
    let clock = 0;
    const frames = { ...manualFrames(), minFrameIntervalMs: 10_000, now: () => clock };
    const store = createAppStore();
    const bridge = connectedBridge(new FakeEngine({ tokenIntervalMs: 1 }), store, frames);
    await bridge.load({ source: { kind: 'url', url: '/models/demo/' } });
    frames.run();
    let updates = 0;
    store.subscribe((s, prev) => s.generation.tokens !== prev.generation.tokens && updates++);
    const done = bridge.generate({ prompt: 'pace', maxTokens: 40 });
    // Many tokens arrive and frames run, but within the interval after the last update nothing flushes.
    for (let i = 0; i < 8; i++) {
      await tick(5);
      clock += 5;
      frames.run();
    }
    expect(updates).toBeLessThanOrEqual(1);
    await bridge.stop();
    const outcome = await done;
    // The end of a run is never held back: everything received is in the store.
    expect(store.getState().generation.text).toBe(outcome.text);
    expect(outcome.text.length).toBeGreaterThan(0);
  });

  it('loads a model, tracking progress phases, and reports the result', async () => {
    const store = createAppStore();
    const frames = manualFrames();
    const bridge = connectedBridge(new FakeEngine({ loadStepMs: 1 }), store, frames);
    const phases: string[] = [];
    store.subscribe((s) => s.model.progress && phases.push(s.model.progress.phase));
    const loading = bridge.load({ source: { kind: 'url', url: '/models/demo/' } }, 'Demo');
    expect(store.getState().model).toMatchObject({ status: 'loading', label: 'Demo' });
    for (let i = 0; i < 10 && store.getState().model.status === 'loading'; i++) {
      await tick(2);
      frames.run();
    }
    expect(await loading).toMatchObject({ ok: true, result: { randomWeights: true } });
    expect(store.getState().model.status).toBe('ready');
    expect(phases.length).toBeGreaterThan(0);
  });

  it('writes at most one store update per animation frame, however many tokens arrived', async () => {
    const { store, frames, bridge } = await ready();
    let updates = 0;
    store.subscribe((s, prev) => {
      if (s.generation !== prev.generation) updates++;
    });
    const done = bridge.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 40 });
    updates = 0; // generationStarted
    await tick(25); // several tokens arrive, no frame has run
    expect(updates).toBe(0);
    expect(frames.pending).toBe(1);
    frames.run();
    expect(updates).toBe(1);
    expect(store.getState().generation.tokens).toBeGreaterThan(1);
    const outcome = await done;
    expect(outcome.reason).toBe('length');
    expect(store.getState().generation).toMatchObject({ status: 'done', finishReason: 'length', tokens: 40 });
    expect(store.getState().generation.text).toBe(outcome.text);
    // The streamed blocks are the final text, split.
    expect([...store.getState().generation.blocks, store.getState().generation.tail].join('\n')).toContain(
      'fake model',
    );
  });

  it('hands every raw event to onEvent synchronously, in order', async () => {
    const { frames, bridge } = await ready();
    const events: StreamEvent[] = [];
    const outcome = await bridge.generate(
      { messages: [{ role: 'user', content: 'hi' }], maxTokens: 6 },
      { onEvent: (e) => events.push(e) },
    );
    frames.run();
    expect(events[0]?.type).toBe('start');
    expect(events.filter((e) => e.type === 'token')).toHaveLength(6);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'length', text: outcome.text });
  });

  it('pauses (no tokens while paused), resumes and stops keeping the partial text', async () => {
    const { store, frames, bridge } = await ready();
    const done = bridge.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 5000 });
    await tick(15);
    await bridge.togglePause();
    await tick(5);
    frames.run();
    expect(store.getState().generation.status).toBe('paused');
    const tokens = store.getState().generation.tokens;
    await tick(30);
    frames.run();
    expect(store.getState().generation.tokens).toBe(tokens);
    await bridge.togglePause();
    await tick(15);
    frames.run();
    expect(store.getState().generation.status).toBe('generating');
    expect(store.getState().generation.tokens).toBeGreaterThan(tokens);
    await bridge.stop();
    const outcome = await done;
    expect(outcome.reason).toBe('stopped');
    expect(outcome.text.length).toBeGreaterThan(0);
    expect(store.getState().generation).toMatchObject({ status: 'done', finishReason: 'stopped', text: outcome.text });
  });

  it('ends in an error state (never a hang) when the engine refuses the request', async () => {
    const { store, bridge } = await ready(
      new FakeEngine({ generateError: { name: 'InvalidParams', message: 'topK must be an integer from 0 to 1024.' } }),
    );
    const outcome = await bridge.generate({ messages: [{ role: 'user', content: 'hi' }], topK: 5000 });
    expect(outcome).toMatchObject({ reason: 'error', error: { name: 'InvalidParams' } });
    expect(store.getState().generation.status).toBe('error');
  });

  it('shows a failed load in the banner with a Retry, and a cancelled load as a note', async () => {
    const store = createAppStore();
    const failing = connectedBridge(
      new FakeEngine({ loadStepMs: 1, loadError: { name: 'ModelFileMissing', message: 'No onnx/model.onnx.' } }),
      store,
      manualFrames(),
    );
    expect(await failing.load({ source: { kind: 'hub', id: 'a/b' } })).toMatchObject({ ok: false, cancelled: false });
    expect(store.getState().model.status).toBe('error');
    expect(store.getState().errors.banner).toMatchObject({ name: 'ModelFileMissing', message: 'No onnx/model.onnx.' });
    expect(store.getState().errors.banner?.retry).toBeTypeOf('function');

    const slow = connectedBridge(new FakeEngine({ loadStepMs: 20 }), store, manualFrames());
    const loading = slow.load({ source: { kind: 'hub', id: 'a/b' } });
    await slow.stop();
    expect(await loading).toMatchObject({ ok: false, cancelled: true });
    expect(store.getState().model).toMatchObject({ status: 'idle', note: 'Loading cancelled.' });
  });

  it('ends a running generation and reloads the model when the worker crashes', async () => {
    const fake = new FakeEngine({ tokenIntervalMs: 1 });
    let crash: (e: Error) => void = () => {};
    const engine = Object.assign(fake, {
      restart() {},
      onCrash(listener: (e: Error) => void) {
        crash = listener;
        return () => {};
      },
    });
    const { store, bridge } = await ready(engine);
    // A dead worker never answers: make the stream hang to prove the bridge does not wait on it.
    vi.spyOn(fake, 'generate').mockResolvedValue(new ReadableStream<StreamEvent>());
    const done = bridge.generate({ messages: [{ role: 'user', content: 'hi' }] });
    await tick(1);
    const error = new Error('The engine worker crashed: out of memory.');
    error.name = 'WorkerCrashed';
    crash(error);
    expect(await done).toMatchObject({ reason: 'error', error: { name: 'WorkerCrashed' } });
    expect(store.getState().errors.banner?.name).toBe('WorkerCrashed');
    await tick(60);
    expect(store.getState().model.status).toBe('ready');
  });
});
