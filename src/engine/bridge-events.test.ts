import { describe, expect, it } from 'vitest';
import { createBridge, type BridgeEvent } from './bridge';
import { FakeEngine } from './fake-engine';

const frames = { scheduleFrame: (cb: () => void) => setTimeout(cb, 0) as unknown as number, cancelFrame: clearTimeout };
const DEMO = { source: { kind: 'url' as const, url: '/models/demo/' } };
const HUB = { source: { kind: 'hub' as const, id: 'org/model' } };

function observed(engine = new FakeEngine({ tokenIntervalMs: 1, loadStepMs: 1 })) {
  const bridge = createBridge(engine, frames);
  const events: BridgeEvent[] = [];
  bridge.observe((e) => events.push(e));
  return { bridge, engine, events, types: () => events.map((e) => e.type) };
}

describe('bridge without a store', () => {
  it('load returns an outcome and emits started, progress and succeeded', async () => {
    const { bridge, types } = observed();
    const outcome = await bridge.load(DEMO, 'Demo');
    expect(outcome).toMatchObject({ ok: true, result: { modelId: 'fake', randomWeights: true } });
    expect(types()[0]).toBe('load-started');
    expect(types()).toContain('load-progress');
    expect(types().at(-1)).toBe('load-succeeded');
  });

  it('a failed load resolves with the named error, not a rejection', async () => {
    const engine = new FakeEngine({
      loadStepMs: 1,
      loadError: { name: 'ModelFileMissing', message: 'No model.onnx.' },
    });
    const { bridge, events } = observed(engine);
    expect(await bridge.load(HUB, 'Org')).toEqual({
      ok: false,
      cancelled: false,
      error: { name: 'ModelFileMissing', message: 'No model.onnx.' },
      kept: null,
    });
    expect(events.at(-1)).toMatchObject({ type: 'load-failed', label: 'Org', error: { name: 'ModelFileMissing' } });
  });

  it('a load that fails before its weights keeps the model before it: the outcome and the event say so, and it still answers', async () => {
    const missing = { source: { kind: 'url' as const, url: '/models/nope/' } };
    const engine = new FakeEngine({ loadStepMs: 1, tokenIntervalMs: 1, missing: (s) => s === missing });
    const { bridge, events } = observed(engine);
    const loaded = await bridge.load(DEMO, 'Demo');
    expect(loaded.ok).toBe(true);
    const failed = await bridge.load(missing, 'Nope');
    expect(failed).toMatchObject({
      ok: false,
      cancelled: false,
      error: { name: 'ModelFileMissing' },
      kept: { spec: DEMO, label: 'Demo', result: loaded.ok ? loaded.result : null },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'load-failed',
      label: 'Nope',
      error: { name: 'ModelFileMissing', message: expect.stringMatching(/Still using Demo\.$/) },
      kept: { label: 'Demo' },
    });
    const answer = await bridge.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 3 });
    expect(answer).toMatchObject({ reason: 'length', text: 'Hello world.' });
  });

  it('a load that fails after its weights began loads the model before it again: the outcome keeps it', async () => {
    const corrupt = { source: { kind: 'hub' as const, id: 'org/corrupt' } };
    const engine = new FakeEngine({ loadStepMs: 1, tokenIntervalMs: 1, corrupt: (s) => s === corrupt });
    const { bridge, events, types } = observed(engine);
    await bridge.load(HUB, 'Org');
    events.length = 0;
    const failed = await bridge.load(corrupt, 'Corrupt');
    expect(failed).toMatchObject({
      ok: false,
      cancelled: false,
      error: { name: 'IntegrityError' },
      kept: { spec: HUB, label: 'Org', result: { modelId: 'org/model' } },
    });
    expect(types().filter((t) => t !== 'load-progress')).toEqual([
      'load-started',
      'load-failed',
      'load-started',
      'load-succeeded',
    ]);
    expect(events.find((e) => e.type === 'load-failed')).toMatchObject({
      error: { name: 'IntegrityError', message: expect.stringMatching(/Going back to Org\.$/) },
      kept: null,
    });
    // The reload keeps the failure on screen (dismissError false), and the engine holds the model before.
    expect(events.filter((e) => e.type === 'load-started').at(-1)).toMatchObject({ spec: HUB, dismissError: false });
    expect((await engine.status()).model?.modelId).toBe('org/model');
    expect(engine.calls.filter((c) => c.method === 'load').map((c) => c.arg)).toEqual([HUB, corrupt, HUB]);
  });

  it('a load cancelled after its weights began loads the model before it again; a first load has none to go back to', async () => {
    const engine = new FakeEngine({ loadStepMs: 5, tokenIntervalMs: 1 });
    const { bridge, types } = observed(engine);
    const first = bridge.load(HUB, 'Org');
    await new Promise((r) => setTimeout(r, 8));
    void bridge.stop();
    expect(await first).toMatchObject({ ok: false, cancelled: true, kept: null });
    expect(types().filter((t) => t !== 'load-progress')).toEqual(['load-started', 'load-cancelled']);

    await bridge.load(HUB, 'Org');
    const second = bridge.load(DEMO, 'Demo');
    await new Promise((r) => setTimeout(r, 8));
    void bridge.stop();
    expect(await second).toMatchObject({ ok: false, cancelled: true, kept: { spec: HUB, label: 'Org' } });
    expect((await engine.status()).model?.modelId).toBe('org/model');
  });

  it('the newest load wins: the older resolves cancelled and emits nothing more', async () => {
    const { bridge, events } = observed(new FakeEngine({ loadStepMs: 5 }));
    const first = bridge.load(HUB, 'First');
    const second = bridge.load(DEMO, 'Second');
    expect(await first).toMatchObject({ ok: false, cancelled: true, error: { name: 'LoadCancelled' } });
    expect(await second).toMatchObject({ ok: true });
    const outcomes = events.filter((e) => e.type !== 'load-progress' && e.type !== 'load-started');
    expect(outcomes.map((e) => e.type)).toEqual(['load-succeeded']);
  });

  it('with restartOnSwitch, a switch from a loaded model restarts the engine first and reports the cost', async () => {
    let restarts = 0;
    const engine = Object.assign(new FakeEngine({ loadStepMs: 1 }), {
      async restart() {
        restarts++;
      },
    });
    const bridge = createBridge(engine, { ...frames, restartOnSwitch: true });
    const events: BridgeEvent[] = [];
    bridge.observe((e) => events.push(e));
    await bridge.load(DEMO);
    expect(restarts).toBe(0);
    await bridge.load(HUB);
    expect(restarts).toBe(1);
    const restarted = events.find((e) => e.type === 'engine-restarted');
    expect(restarted).toMatchObject({ type: 'engine-restarted' });
    expect(events.indexOf(restarted!)).toBeLessThan(events.findLastIndex((e) => e.type === 'load-succeeded'));
  });

  it('streams generation frames and resolves the outcome', async () => {
    const { bridge, events } = observed(new FakeEngine({ tokenIntervalMs: 1, loadStepMs: 1, script: ['a', 'b'] }));
    await bridge.load(DEMO);
    const outcome = await bridge.generate({ prompt: 'x' }, { owner: 'test' });
    expect(outcome).toMatchObject({ reason: 'eos', text: 'ab', error: null });
    expect(events.find((e) => e.type === 'generation-started')).toMatchObject({ owner: 'test' });
    expect(events.at(-1)).toMatchObject({ type: 'generation-finished', text: 'ab' });
    expect(bridge.busy).toBe(false);
  });
});
