import type {
  EngineApi,
  FinishReason,
  GenerateRequest,
  GenerationStats,
  LoadProgress,
  LoadResult,
  ModelSpec,
  StreamEvent,
} from '../../workers/protocol';
import { BlockSplitter } from '../state/blocks';
import { describeError } from '../state/errors-slice';
import type { GenerationState } from '../state/generation-slice';
import { appendBounded, trackLoadSpeed, type ByteSample } from '../state/load-speed';
import { appStore, type AppStore } from '../state/store';
import { createWorkerEngine, type WorkerEngine } from './worker-engine';

export interface GenerateOptions {
  /** Called synchronously with every raw stream event, before the store sees it (e.g. to postMessage it). */
  onEvent?: (event: StreamEvent) => void;
  /** Tags the live generation in the store so a view can tell whether it started it. */
  owner?: string;
}

export interface GenerationOutcome {
  /** 'error' when the engine refused the request or failed mid-stream. */
  reason: FinishReason | 'error';
  text: string;
  stats: GenerationStats | null;
  error: { name: string; message: string } | null;
}

export interface Bridge {
  /** The engine this bridge drives (a WorkerEngine in the app, any EngineApi in tests). */
  readonly engine: EngineApi;
  readonly store: AppStore;
  /** Loads a model, tracking progress in `store.model`. Resolves null on failure or cancel (the store says which). */
  load(spec: ModelSpec, label?: string): Promise<LoadResult | null>;
  /** Streams one generation into `store.generation`, one store update per animation frame. Never rejects. */
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerationOutcome>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  togglePause(): Promise<void>;
  /** Ends the running generation (keeping its text) or cancels a load. */
  stop(): Promise<void>;
  dispose(): void;
}

export interface BridgeOptions {
  scheduleFrame?: (callback: () => void) => number;
  cancelFrame?: (handle: number) => void;
  now?: () => number;
  /** Sparkline resolution: samples kept over a whole run. */
  maxRatePoints?: number;
  /** How often the engine sends stats events. */
  statsIntervalMs?: number;
}

interface LiveRun {
  pendingText: string[];
  pendingPatch: Partial<GenerationState>;
  text: string;
  tokens: number;
  rates: number[];
  ratesChanged: boolean;
  splitter: BlockSplitter;
  stopRequested: boolean;
  /** From the stream's paused/resumed events, ahead of the store (which updates per frame). */
  paused: boolean;
  finished: Promise<GenerationOutcome>;
}

const CRASH_RELOAD_COOLDOWN_MS = 60_000;

function hasCrashHooks(engine: EngineApi): engine is WorkerEngine {
  return typeof (engine as Partial<WorkerEngine>).onCrash === 'function';
}

function labelOf(spec: ModelSpec): string {
  const s = spec.source;
  return s.kind === 'hub' ? s.id : s.kind === 'url' ? s.url : s.name;
}

/**
 * The one owner of the engine on the page. It reads the token stream and
 * writes it into the store outside React, coalescing everything that arrived
 * within one animation frame into a single store update, so rendering cost
 * does not grow with the token rate.
 */
export function createBridge(engine: EngineApi, store: AppStore = appStore, options: BridgeOptions = {}): Bridge {
  const scheduleFrame = options.scheduleFrame ?? ((cb: () => void) => requestAnimationFrame(cb) as unknown as number);
  const cancelFrame = options.cancelFrame ?? ((h: number) => cancelAnimationFrame(h));
  const now = options.now ?? (() => performance.now());
  const maxRatePoints = options.maxRatePoints ?? 240;
  const statsIntervalMs = options.statsIntervalMs ?? 250;

  let frame: number | null = null;
  let live: LiveRun | null = null;
  let loading = false;
  let pendingProgress: { progress: LoadProgress; speed: ReturnType<typeof trackLoadSpeed> } | null = null;
  let requestCount = 0;
  let lastCrashAt = -Infinity;
  // Rejected when the worker dies: a dead worker never settles its promises or closes its stream.
  let crash = deferredCrash();

  function deferredCrash() {
    let reject: (e: Error) => void = () => {};
    const promise = new Promise<never>((_, r) => (reject = r));
    promise.catch(() => {});
    return { promise, reject };
  }

  function flush(): void {
    frame = null;
    if (pendingProgress) {
      store.getState().loadProgressed(pendingProgress.progress, pendingProgress.speed);
      pendingProgress = null;
    }
    const run = live;
    if (!run) return;
    const patch = run.pendingPatch;
    run.pendingPatch = {};
    if (run.pendingText.length > 0) {
      const chunk = run.pendingText.join('');
      run.pendingText.length = 0;
      run.text += chunk;
      if (run.splitter.append(chunk)) patch.blocks = [...run.splitter.blocks];
      patch.tail = run.splitter.tail;
      patch.text = run.text;
      patch.tokens = run.tokens;
    }
    if (run.ratesChanged) {
      patch.rateHistory = [...run.rates];
      run.ratesChanged = false;
    }
    if (Object.keys(patch).length > 0) store.getState().generationPatched(patch);
  }

  function requestFrame(): void {
    frame ??= scheduleFrame(flush);
  }

  function flushNow(): void {
    if (frame !== null) cancelFrame(frame);
    flush();
  }

  function handle(run: LiveRun, event: StreamEvent): GenerationOutcome | null {
    switch (event.type) {
      case 'start':
        Object.assign(run.pendingPatch, {
          status: 'generating',
          promptTokens: event.promptTokens,
          maxTokens: event.maxTokens,
        });
        break;
      case 'token':
        run.pendingText.push(event.text);
        run.tokens = event.index + 1;
        break;
      case 'paused':
        run.paused = true;
        run.pendingPatch.status = 'paused';
        break;
      case 'resumed':
        run.paused = false;
        run.pendingPatch.status = 'generating';
        break;
      case 'stats':
        run.pendingPatch.stats = event.stats;
        if (event.stats.decodeTokPerS !== null) {
          run.rates = appendBounded(run.rates, event.stats.decodeTokPerS, maxRatePoints);
          run.ratesChanged = true;
        }
        break;
      case 'done':
        flushNow();
        store.getState().generationFinished(event.reason, event.text, event.stats);
        return { reason: event.reason, text: event.text, stats: event.stats, error: null };
      case 'error': {
        flushNow();
        const error = { name: event.name, message: event.message };
        store.getState().generationFailed(error);
        return { reason: 'error', text: run.text, stats: store.getState().generation.stats, error };
      }
    }
    requestFrame();
    return null;
  }

  async function consume(
    run: LiveRun,
    request: GenerateRequest,
    onEvent: GenerateOptions['onEvent'],
  ): Promise<GenerationOutcome> {
    const fail = (error: unknown): GenerationOutcome => {
      flushNow();
      const named = describeError(error);
      store.getState().generationFailed(named);
      return { reason: 'error', text: run.text, stats: null, error: named };
    };
    let stream: ReadableStream<StreamEvent>;
    try {
      stream = await Promise.race([engine.generate({ statsIntervalMs, ...request }), crash.promise]);
    } catch (error) {
      return fail(error);
    }
    // Stop pressed before the engine answered: the run exists now, so stop it.
    if (run.stopRequested) void engine.stop().catch(() => {});
    const reader = stream.getReader();
    try {
      for (;;) {
        const { value, done } = await Promise.race([reader.read(), crash.promise]);
        if (done) break;
        try {
          onEvent?.(value);
        } catch (listenerError) {
          console.error('A generate() onEvent listener threw; the stream continues.', listenerError);
        }
        const outcome = handle(run, value);
        if (outcome) return outcome;
      }
      return fail({ name: 'GenerationError', message: 'The token stream ended without a result. Send again.' });
    } catch (error) {
      void reader.cancel().catch(() => {});
      return fail(error);
    } finally {
      reader.releaseLock?.();
    }
  }

  /** `dismiss` is false for the automatic reload after a crash, so the crash stays explained. */
  async function load(spec: ModelSpec, label: string, dismiss: boolean): Promise<LoadResult | null> {
    const state = store.getState();
    if (live) await bridge.stop();
    if (dismiss) state.errorDismissed();
    state.loadStarted(spec, label);

    loading = true;
    const samples: ByteSample[] = [];
    const onProgress = (progress: LoadProgress) => {
      pendingProgress = { progress, speed: trackLoadSpeed(samples, now(), progress.loaded, progress.total) };
      requestFrame();
    };
    try {
      const result = await Promise.race([engine.load(spec, onProgress), crash.promise]);
      flushNow();
      store.getState().loadSucceeded(result);
      return result;
    } catch (error) {
      flushNow();
      const named = describeError(error);
      if (named.name === 'LoadCancelled') {
        store.getState().loadCancelled();
      } else {
        store.getState().loadFailed();
        store.getState().errorShown(named, () => void bridge.load(spec, label));
      }
      return null;
    } finally {
      loading = false;
    }
  }

  const bridge: Bridge = {
    engine,
    store,

    load: (spec, label = labelOf(spec)) => load(spec, label, true),

    async generate(request, opts = {}) {
      if (live) {
        await bridge.stop();
        await live?.finished;
      }
      const requestId = request.requestId ?? `ui-${++requestCount}`;
      store.getState().generationStarted(requestId, opts.owner ?? null);
      const run: LiveRun = {
        pendingText: [],
        pendingPatch: {},
        text: '',
        tokens: 0,
        rates: [],
        ratesChanged: false,
        splitter: new BlockSplitter(),
        stopRequested: false,
        paused: false,
        finished: Promise.resolve(null as unknown as GenerationOutcome),
      };
      live = run;
      run.finished = consume(run, { ...request, requestId }, opts.onEvent).finally(() => {
        if (live === run) live = null;
      });
      return run.finished;
    },

    async pause() {
      if (live) await engine.pause().catch((e: unknown) => store.getState().errorShown(describeError(e)));
    },

    async resume() {
      if (live) await engine.resume().catch((e: unknown) => store.getState().errorShown(describeError(e)));
    },

    async togglePause() {
      if (!live) return;
      if (live.paused) await bridge.resume();
      else await bridge.pause();
    },

    async stop() {
      if (live) live.stopRequested = true;
      if (!live && !loading) return;
      await engine.stop().catch((e: unknown) => store.getState().errorShown(describeError(e)));
    },

    dispose() {
      unsubscribeCrash();
      if (frame !== null) cancelFrame(frame);
      frame = null;
    },
  };

  const unsubscribeCrash = hasCrashHooks(engine)
    ? engine.onCrash((error) => {
        const previous = crash;
        crash = deferredCrash();
        previous.reject(error);
        const state = store.getState();
        const spec = state.model.status === 'ready' || state.model.status === 'loading' ? state.model.spec : null;
        const label = state.model.label;
        state.modelUnloaded('The engine stopped unexpectedly.');
        state.errorShown(describeError(error), spec ? () => void bridge.load(spec, label) : null);
        // One automatic reload; a model that crashes the worker again waits for the user's Retry.
        const at = now();
        if (spec && at - lastCrashAt > CRASH_RELOAD_COOLDOWN_MS) queueMicrotask(() => void load(spec, label, false));
        lastCrashAt = at;
      })
    : () => {};

  return bridge;
}

let appBridge: Bridge | null = null;

/** The page's bridge over the real worker engine, created on first use. */
export function getAppBridge(): Bridge {
  appBridge ??= createBridge(createWorkerEngine(), appStore);
  return appBridge;
}
