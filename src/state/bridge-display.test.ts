import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../../workers/protocol';
import { analyzeText } from '../streams/analysis';
import type { StreamContext } from '../streams/event-log';
import { createAppStore, type AppStore } from './store';
import { bundledFallback, type BridgeOptions } from '../engine/bridge';
import { connectedBridge } from './test-bridge';
import { FakeEngine, type FakeEngineOptions } from '../engine/fake-engine';
import { isNetworkError } from '../engine/load-retries';

const timerFrames = {
  scheduleFrame: (cb: () => void) => setTimeout(cb, 0) as unknown as number,
  cancelFrame: clearTimeout,
};
const HUB = { source: { kind: 'hub' as const, id: 'org/model' } };
const ASK = { messages: [{ role: 'user' as const, content: 'hi' }] };

async function ready(engineOptions: FakeEngineOptions = {}, options: BridgeOptions = timerFrames) {
  const store = createAppStore();
  const engine = new FakeEngine({ tokenIntervalMs: 1, loadStepMs: 1, ...engineOptions });
  const bridge = connectedBridge(engine, store, options);
  await bridge.load({ source: { kind: 'url', url: '/models/demo/' } });
  return { store, engine, bridge };
}

const shown = (store: AppStore) => [...store.getState().generation.blocks, store.getState().generation.tail].join('');

afterEach(() => vi.useRealTimers());

describe('bridge: one stream, many readers', () => {
  it('gives every subscriber the same events with the operation, and onEvent only its own run', async () => {
    const { bridge } = await ready();
    const a: StreamEvent[] = [];
    const b: [StreamEvent, StreamContext][] = [];
    const unsubscribeA = bridge.subscribe((e) => a.push(e));
    bridge.subscribe((e, c) => b.push([e, c]));
    bridge.subscribe(() => {
      throw new Error('a broken reader');
    });
    const errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const own: StreamEvent[] = [];
    const outcome = await bridge.generate({ ...ASK, maxTokens: 5, requestId: 'one' }, { onEvent: (e) => own.push(e) });
    expect(outcome.reason).toBe('length');
    expect(a).toEqual(b.map(([e]) => e));
    expect(own).toEqual(a);
    expect(b[0]?.[1]).toEqual({ requestId: 'one', owner: null, model: 'fake', backend: 'wasm' });
    expect(errorSpy).toHaveBeenCalled();

    unsubscribeA();
    const firstRun = a.length;
    await bridge.generate({ ...ASK, maxTokens: 3, requestId: 'two' });
    expect(a).toHaveLength(firstRun);
    expect(own).toHaveLength(firstRun); // the first run's onEvent was unsubscribed when it ended
    expect(b.filter(([, c]) => c.requestId === 'two').map(([e]) => e.type)).toEqual([
      'start',
      'token',
      'token',
      'token',
      'done',
    ]);
  });
});

describe('bridge: display filters, analysis and pacing', () => {
  it('never shows a redacted word, even split over tokens, while the raw text keeps it', async () => {
    const script = ['The pass', 'wo', 'rd is sw', 'ordfish', '. Sword', 'fish again!'];
    const { store, bridge } = await ready({ script });
    store.getState().settingsChanged({ redactWords: 'swordfish' });
    const seen: string[] = [];
    store.subscribe((s) => seen.push([...s.generation.blocks, s.generation.tail].join('')));
    const outcome = await bridge.generate(ASK);
    expect(outcome.text).toBe(script.join(''));
    expect(store.getState().generation.text).toBe(script.join(''));
    expect(shown(store)).toBe('The password is █████████. █████████ again!');
    for (const s of seen) expect(s.toLowerCase()).not.toMatch(/sw(o(r(d(f(i(sh?)?)?)?)?)?)?$|swordfish/);
  });

  it('keeps a running analysis of the raw text that matches the one-shot analysis', async () => {
    const script = ['Hello wor', 'ld. Hello', ' again', '! Done'];
    const { store, bridge } = await ready({ script, statsEvery: 1 });
    const outcome = await bridge.generate(ASK);
    const analysis = store.getState().generation.analysis;
    const elapsed = outcome.stats?.elapsedMs ?? null;
    expect(analysis).toEqual(analyzeText(outcome.text, elapsed));
    expect(analysis).toMatchObject({ words: 5, uniqueWords: 4, sentences: 3 });
  });

  it('paces the display with a token bucket, freezes it on pause, and catches up at the end', async () => {
    let clock = 0;
    const frames: (() => void)[] = [];
    const { store, engine, bridge } = await ready(
      { tokenIntervalMs: 1, words: ['abcd'] },
      { scheduleFrame: (cb) => frames.push(cb), cancelFrame: () => {}, now: () => clock },
    );
    const runFrames = () => frames.splice(0).forEach((cb) => cb());
    store.getState().settingsChanged({ pacing: 'calm' });
    const done = bridge.generate({ ...ASK, maxTokens: 200 });
    await new Promise((r) => setTimeout(r, 40));
    runFrames();
    const first = shown(store).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(10); // the burst: a quarter second at 40 chars/s
    clock += 500;
    runFrames();
    expect(shown(store).length).toBeLessThanOrEqual(first + 21);
    expect(store.getState().generation.text.length).toBeGreaterThan(shown(store).length);

    await bridge.pause();
    await new Promise((r) => setTimeout(r, 5));
    runFrames();
    const paused = shown(store);
    clock += 5000;
    runFrames();
    expect(shown(store)).toBe(paused);
    await bridge.resume();
    await bridge.stop();
    const outcome = await done;
    runFrames();
    expect(shown(store)).toBe(outcome.text);
    expect(engine.calls.some((c) => c.method === 'stop')).toBe(true);
  });

  it('shows the full text at once when pacing is off', async () => {
    const { store, bridge } = await ready({ script: ['a', 'b', 'c'] });
    await bridge.generate(ASK);
    expect(shown(store)).toBe('abc');
  });
});

describe('bridge: load retries and fallback', () => {
  const network = { name: 'NetworkError', message: 'Failed to fetch https://huggingface.co/org/model.' };

  it('retries a NetworkError after 1 s and 2 s, showing each wait, then loads', async () => {
    vi.useFakeTimers();
    const store = createAppStore();
    const engine = new FakeEngine({ loadStepMs: 1, loadError: network, loadFailures: 2 });
    const bridge = connectedBridge(engine, store, { ...timerFrames, random: () => 0.5 });
    const loading = bridge.load(HUB, 'Org model');
    await vi.advanceTimersByTimeAsync(10);
    expect(store.getState().model.retry).toMatchObject({ attempt: 1, of: 3, error: { name: 'NetworkError' } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.getState().model.retry).toMatchObject({ attempt: 2, of: 3 });
    expect(store.getState().model.retry?.at).toBeGreaterThan(Date.now() + 1900);
    expect(store.getState().model.retry?.at).toBeLessThanOrEqual(Date.now() + 2000);
    await vi.advanceTimersByTimeAsync(2100);
    expect(await loading).toMatchObject({ ok: true, result: { modelId: 'org/model' } });
    expect(store.getState().model).toMatchObject({ status: 'ready', retry: null });
    expect(engine.calls.filter((c) => c.method === 'load')).toHaveLength(3);
  });

  it('counts an unnamed fetch failure (TypeError: Failed to fetch) as a network error, nothing else', () => {
    expect(isNetworkError({ name: 'TypeError', message: 'Failed to fetch' })).toBe(true);
    expect(isNetworkError({ name: 'NetworkError', message: 'Host unreachable.' })).toBe(true);
    expect(isNetworkError({ name: 'TypeError', message: 'x is not a function' })).toBe(false);
    expect(isNetworkError({ name: 'ModelFileMissing', message: 'Failed to fetch onnx/model.onnx: 404' })).toBe(false);
  });

  it('does not retry other errors', async () => {
    const engine = new FakeEngine({ loadStepMs: 1, loadError: { name: 'IntegrityError', message: 'Bad hash.' } });
    const bridge = connectedBridge(engine, createAppStore(), timerFrames);
    expect(await bridge.load(HUB)).toMatchObject({ ok: false, cancelled: false });
    expect(engine.calls.filter((c) => c.method === 'load')).toHaveLength(1);
  });

  it('Cancel during the wait ends the load at once', async () => {
    vi.useFakeTimers();
    const store = createAppStore();
    const engine = new FakeEngine({ loadStepMs: 1, loadError: network });
    const bridge = connectedBridge(engine, store, timerFrames);
    const loading = bridge.load(HUB);
    await vi.advanceTimersByTimeAsync(10);
    expect(store.getState().model.retry?.attempt).toBe(1);
    await bridge.stop();
    expect(await loading).toMatchObject({ ok: false, cancelled: true });
    expect(store.getState().model).toMatchObject({ status: 'idle', retry: null, note: 'Loading cancelled.' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(engine.calls.filter((c) => c.method === 'load')).toHaveLength(1);
  });

  it('treats whatever error follows a Cancel as the cancel (a fetch may report AbortError)', async () => {
    const store = createAppStore();
    const engine = new FakeEngine({ loadStepMs: 5 });
    let rejectLoad: (e: Error) => void = () => {};
    vi.spyOn(engine, 'load').mockImplementation(() => new Promise((_, reject) => (rejectLoad = reject)));
    const bridge = connectedBridge(engine, store, timerFrames);
    const loading = bridge.load(HUB);
    await bridge.stop();
    rejectLoad(Object.assign(new Error('signal is aborted without reason'), { name: 'AbortError' }));
    expect(await loading).toMatchObject({ ok: false, cancelled: true });
    expect(store.getState().model).toMatchObject({ status: 'idle', note: 'Loading cancelled.' });
    expect(store.getState().errors.banner).toBeNull();
  });

  it('after 3 retries falls back to the bundled model, saying so, with a Retry for the original', async () => {
    vi.useFakeTimers();
    const store = createAppStore();
    const engine = new FakeEngine({ loadStepMs: 1, loadError: network, loadFailures: 4 });
    const bridge = connectedBridge(engine, store, timerFrames);
    bridge.setLoadFallback(bundledFallback);
    const loading = bridge.load(HUB, 'Org model');
    await vi.advanceTimersByTimeAsync(1000 * 1.1 + 2000 * 1.1 + 4000 * 1.1 + 100);
    expect(await loading).toMatchObject({ ok: true, result: { modelId: 'fake' } });
    const loads = engine.calls.filter((c) => c.method === 'load').map((c) => c.arg);
    expect(loads).toHaveLength(5);
    expect(loads.at(-1)).toMatchObject({ source: { kind: 'url', url: '/models/demo/' } });
    expect(store.getState().model).toMatchObject({ status: 'ready', label: 'Bundled test model' });
    const banner = store.getState().errors.banner;
    expect(banner?.name).toBe('ModelFallback');
    expect(banner?.message).toMatch(/^Org model could not be downloaded \(Failed to fetch .*\), even after 3 retries/);
    banner?.retry?.();
    await vi.advanceTimersByTimeAsync(10);
    expect(engine.calls.filter((c) => c.method === 'load').at(-1)?.arg).toEqual(HUB);
  });

  it('the bundled model itself has no fallback', () => {
    expect(bundledFallback({ source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32' })).toBeNull();
    expect(bundledFallback(HUB)).toMatchObject({ source: { kind: 'url', url: '/models/demo/' } });
  });
});

describe('bridge: debug log', () => {
  it('logs stream and load events with timestamps only while enabled', async () => {
    let on = false;
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const { bridge } = await ready({ script: ['a', 'b'] }, { ...timerFrames, debug: () => on });
    await bridge.generate(ASK);
    expect(debug).not.toHaveBeenCalled();
    on = true;
    await bridge.generate({ ...ASK, requestId: 'dbg' });
    const lines = debug.mock.calls.map((c) => String(c[0]));
    expect(lines.filter((l) => / dbg token$/.test(l))).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[typewriter \d\d:\d\d:\d\d\.\d{3}\] dbg start$/);
    await bridge.load({ source: { kind: 'url', url: '/models/demo/' } }, 'Demo');
    expect(debug.mock.calls.some((c) => String(c[0]).endsWith('] load Demo'))).toBe(true);
  });
});

describe("bridge: a reasoning model's thinking", () => {
  const QWEN3 = [
    '<think>',
    '\n',
    'The user',
    ' says hi',
    '.\n\n',
    'Greet',
    ' back.\n',
    '</think>',
    '\n\n',
    '# Hello',
    '!',
  ];

  it('goes to the Thinking section, never into the answer, its JSON view or its analysis', async () => {
    const { store, bridge } = await ready(
      { script: QWEN3, tokenIntervalMs: 5 },
      { ...timerFrames, minFrameIntervalMs: 0 },
    );
    const seen: (string | null)[] = [];
    const unsubscribe = store.subscribe((s) => {
      const t = s.generation.thinking;
      seen.push(t ? [...t.blocks, t.tail].join('|') + (t.done ? ' (done)' : '') : null);
      // Not one frame shows a tag or the thinking as answer.
      expect(shown(store)).not.toMatch(/think|user says/);
      expect(s.generation.answer).not.toMatch(/think|user says/);
    });
    const outcome = await bridge.generate({ ...ASK, maxTokens: 50 });
    unsubscribe();
    const g = store.getState().generation;
    expect(outcome.text).toBe(QWEN3.join('')); // the raw text (what the chat keeps and sends back) is whole
    expect(g.text).toBe(QWEN3.join(''));
    expect(g.answer).toBe('# Hello!');
    expect(shown(store)).toBe('# Hello!');
    expect(g.thinking).toEqual({ blocks: ['The user says hi.\n'], tail: 'Greet back.\n', done: true });
    expect(g.analysis?.words).toBe(analyzeText('# Hello!').words);
    // It streamed: the section existed, still open, before it was done.
    expect(seen.some((x) => x !== null && !x.endsWith('(done)'))).toBe(true);
  });

  it('a run stopped while thinking keeps an unfinished section and an empty answer', async () => {
    const { store, bridge } = await ready({ script: ['<think>', 'hmm', ' </thi'] });
    const outcome = await bridge.generate({ ...ASK, maxTokens: 50 });
    expect(outcome.text).toBe('<think>hmm </thi');
    const g = store.getState().generation;
    expect(g.thinking).toEqual({ blocks: [], tail: 'hmm </thi', done: false });
    expect(shown(store)).toBe('');
  });

  it('an answer without thinking has no section', async () => {
    const { store, bridge } = await ready({ script: ['Hi', ' <think>'] });
    await bridge.generate({ ...ASK, maxTokens: 50 });
    expect(store.getState().generation.thinking).toBeNull();
    expect(shown(store)).toBe('Hi <think>');
  });
});
