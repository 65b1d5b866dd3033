import type {
  EngineApi,
  GenerateRequest,
  LoadProgress,
  LoadResult,
  ModelSpec,
  StreamEvent,
} from '../../workers/protocol';
import { describeError } from '../state/errors-slice';
import type { GenerationState } from '../state/generation-slice';
import { appendBounded, trackLoadSpeed, type ByteSample } from '../state/load-speed';
import { specLabel } from '../catalog';
import { appStore, type AppStore } from '../state/store';
import { createDebugLogger, debugRequested } from '../streams/debug-log';
import { Multicast } from '../streams/multicast';
import type { StreamContext } from '../streams/event-log';
import type { Bridge, BridgeOptions, GenerationOutcome, StreamListener } from './bridge-types';
import { watchCrashes } from './crash-signal';
import { createFrameScheduler } from './frame-scheduler';
import { createLiveRun, type LiveRun } from './live-run';
import { fallbackNotice, isNetworkError, loadWithRetries, type LoadFallback } from './load-retries';
import { createWorkerEngine } from './worker-engine';

export { bundledFallback, LOAD_RETRIES, type LoadFallback } from './load-retries';

export type { Bridge, BridgeOptions, GenerateOptions, GenerationOutcome, StreamListener } from './bridge-types';

const CRASH_RELOAD_COOLDOWN_MS = 60_000;

/**
 * The one owner of the engine on the page. It reads the token stream and writes it into the store
 * outside React, at most one update per paced frame, so rendering cost does not grow with the token rate.
 */
export function createBridge(engine: EngineApi, store: AppStore = appStore, options: BridgeOptions = {}): Bridge {
  const now = options.now ?? (() => performance.now());
  const maxRatePoints = options.maxRatePoints ?? 240;
  const statsIntervalMs = options.statsIntervalMs ?? 250;
  const debug = createDebugLogger(options.debug ?? (() => false));
  const listeners = new Multicast<Parameters<StreamListener>>('bridge stream');
  listeners.subscribe(debug.event);
  let loadFallback: LoadFallback | null = null;
  let loadAbort: AbortController | null = null;

  const frames = createFrameScheduler(flush, {
    scheduleFrame: options.scheduleFrame ?? ((cb: () => void) => requestAnimationFrame(cb) as unknown as number),
    cancelFrame: options.cancelFrame ?? ((h: number) => cancelAnimationFrame(h)),
    now,
    minIntervalMs: options.minFrameIntervalMs ?? 50,
  });
  let live: LiveRun | null = null;
  let loading = false;
  let pendingProgress: { progress: LoadProgress; speed: ReturnType<typeof trackLoadSpeed> } | null = null;
  let requestCount = 0;
  let lastCrashAt = -Infinity;
  const crash = watchCrashes(engine, recoverFromCrash);

  function flush(): void {
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
      run.display.push(chunk);
      run.analysisChanged = true;
      patch.text = run.text;
      patch.tokens = run.tokens;
    }
    // Pause freezes the paced display too; the rest shows on resume, or at once on stop/done.
    const shown = run.paused ? '' : run.display.release(now());
    if (shown) show(run, shown, patch);
    if (run.display.waiting > 0 && !run.paused) requestFrame();
    if (run.analysisChanged) {
      patch.analysis = run.display.analysis(run.activeMs);
      run.analysisChanged = false;
    }
    if (run.ratesChanged) {
      patch.rateHistory = [...run.rates];
      run.ratesChanged = false;
    }
    if (Object.keys(patch).length > 0) store.getState().generationPatched(patch);
  }

  function show(run: LiveRun, text: string, patch: Partial<GenerationState>): void {
    if (run.splitter.append(text)) patch.blocks = [...run.splitter.blocks];
    patch.tail = run.splitter.tail;
  }

  /** The run ended: pacing and the filters' hold-back end too, and everything received is in the store. */
  function finishDisplay(run: LiveRun): void {
    flushNow();
    const rest = run.display.finish();
    if (rest) show(run, rest, run.pendingPatch);
    flushNow();
  }

  function requestFrame(): void {
    frames.request();
  }

  function flushNow(): void {
    frames.flushNow();
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
        run.activeMs = event.stats.elapsedMs;
        run.analysisChanged = true;
        if (event.stats.decodeTokPerS !== null) {
          run.rates = appendBounded(run.rates, event.stats.decodeTokPerS, maxRatePoints);
          run.ratesChanged = true;
        }
        break;
      case 'done':
        run.activeMs = event.stats.elapsedMs;
        run.analysisChanged = true;
        finishDisplay(run);
        store.getState().generationFinished(event.reason, event.text, event.stats);
        return { reason: event.reason, text: event.text, stats: event.stats, error: null };
      case 'error': {
        finishDisplay(run);
        const error = { name: event.name, message: event.message };
        store.getState().generationFailed(error);
        return { reason: 'error', text: run.text, stats: store.getState().generation.stats, error };
      }
    }
    requestFrame();
    return null;
  }

  async function consume(run: LiveRun, request: GenerateRequest): Promise<GenerationOutcome> {
    const fail = (error: unknown): GenerationOutcome => {
      finishDisplay(run);
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
        listeners.emit(value, run.context);
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

  /** `dismiss` is false for the automatic reload after a crash and for a fallback, so the banner stays. */
  async function load(spec: ModelSpec, label: string, dismiss: boolean): Promise<LoadResult | null> {
    const state = store.getState();
    if (live) await bridge.stop();
    if (dismiss) state.errorDismissed();
    state.loadStarted(spec, label);
    debug.note(`load ${label}`, spec);

    loading = true;
    // The newest load wins (the engine cancels the older one); a superseded load must not touch the store.
    loadAbort?.abort();
    const abort = new AbortController();
    loadAbort = abort;
    const superseded = () => loadAbort !== abort;
    const samples: ByteSample[] = [];
    const onProgress = (progress: LoadProgress) => {
      if (superseded()) return;
      pendingProgress = { progress, speed: trackLoadSpeed(samples, now(), progress.loaded, progress.total) };
      requestFrame();
    };
    try {
      const result = await loadWithRetries(() => Promise.race([engine.load(spec, onProgress), crash.promise]), {
        signal: abort.signal,
        random: options.random,
        onRetry(retry) {
          flushNow();
          if (retry) debug.note(`load retry ${retry.attempt} of ${retry.of}`, retry);
          store.getState().loadRetrying(retry);
        },
      });
      if (superseded()) return null;
      flushNow();
      store.getState().loadSucceeded(result);
      if (result.notice) store.getState().errorShown({ name: 'NotStoredOffline', message: result.notice });
      debug.note(`loaded ${result.modelId} on ${result.backend}`, result);
      return result;
    } catch (error) {
      if (superseded()) return null;
      flushNow();
      const named = describeError(error);
      debug.note(`load of ${label} failed`, named);
      // After Cancel, whatever the engine reports (LoadCancelled, or a fetch's AbortError) is the cancel.
      if (named.name === 'LoadCancelled' || abort.signal.aborted) {
        store.getState().loadCancelled();
        return null;
      }
      store.getState().loadFailed();
      const retry = () => void bridge.load(spec, label);
      const fallback = isNetworkError(named) ? loadFallback?.(spec) : null;
      if (!fallback) {
        store.getState().errorShown(named, retry);
        return null;
      }
      store.getState().errorShown(fallbackNotice(label, named), retry);
      loading = false;
      return load(fallback, 'Bundled test model', false);
    } finally {
      if (loadAbort === abort) {
        loading = false;
        loadAbort = null;
      }
    }
  }

  const bridge: Bridge = {
    engine,
    store,

    load: (spec, label = specLabel(spec)) => load(spec, label, true),

    async generate(request, opts = {}) {
      if (live) {
        await bridge.stop();
        await live?.finished;
      }
      const requestId = request.requestId ?? `ui-${++requestCount}`;
      const state = store.getState();
      state.generationStarted(requestId, opts.owner ?? null);
      const context: StreamContext = {
        requestId,
        owner: opts.owner ?? null,
        model: state.model.result?.modelId ?? null,
        backend: state.model.result?.backend ?? null,
      };
      const { onEvent } = opts;
      const unsubscribe = onEvent ? bridge.subscribe((e, c) => c.requestId === requestId && onEvent(e)) : () => {};
      const run = createLiveRun(context, state.settings);
      live = run;
      run.finished = consume(run, { ...request, requestId }).finally(() => {
        unsubscribe();
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
      if (live) {
        live.stopRequested = true;
        // Stop is immediate on screen too: paced text still waiting shows now.
        const rest = live.display.catchUp();
        if (rest) show(live, rest, live.pendingPatch);
        requestFrame();
      }
      if (!live && !loading) return;
      loadAbort?.abort();
      await engine.stop().catch((e: unknown) => store.getState().errorShown(describeError(e)));
    },

    subscribe: (listener) => listeners.subscribe(listener),

    setLoadFallback(fallback) {
      loadFallback = fallback;
    },

    dispose() {
      crash.stop();
      listeners.clear();
      frames.cancel();
    },
  };

  function recoverFromCrash(error: Error): void {
    const state = store.getState();
    const spec = state.model.status === 'ready' || state.model.status === 'loading' ? state.model.spec : null;
    const label = state.model.label;
    state.modelUnloaded('The engine stopped unexpectedly.');
    state.errorShown(describeError(error), spec ? () => void bridge.load(spec, label) : null);
    // One automatic reload; a model that crashes the worker again waits for the user's Retry.
    const at = now();
    if (spec && at - lastCrashAt > CRASH_RELOAD_COOLDOWN_MS) queueMicrotask(() => void load(spec, label, false));
    lastCrashAt = at;
  }

  return bridge;
}

let appBridge: Bridge | null = null;

/** The page's bridge over the real worker engine, created on first use. */
export function getAppBridge(): Bridge {
  const urlDebug = debugRequested(location.search);
  appBridge ??= createBridge(createWorkerEngine(), appStore, {
    debug: () => urlDebug || appStore.getState().settings.debug,
  });
  return appBridge;
}
