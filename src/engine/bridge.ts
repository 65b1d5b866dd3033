import { describeError, type NamedError } from '../../common/error-names';
import type {
  EngineApi,
  GenerateRequest,
  LoadProgress,
  LoadResult,
  ModelSpec,
  StreamEvent,
} from '../../workers/protocol';
import { specLabel } from '../catalog';
import { createDebugLogger } from '../streams/console-trace';
import type { DisplaySettings } from '../streams/display-pipeline';
import type { StreamContext } from '../streams/event-log';
import { Multicast } from '../streams/multicast';
import type {
  Bridge,
  BridgeEvent,
  BridgeObserver,
  BridgeOptions,
  GenerationOutcome,
  KeptModel,
  LoadOutcome,
  StreamListener,
} from './bridge-types';
import { continuedStream, withContinuedAnswers } from './continued-stream';
import { watchCrashes } from './crash-signal';
import { createFrameScheduler } from './frame-scheduler';
import { createLiveRun, type LiveRun } from './live-run';
import { createRunDisplay } from './run-display';
import { trackLoadSpeed, type ByteSample } from './load-speed';
import { fallbackNotice, isNetworkError, loadWithRetries, type LoadFallback } from './load-retries';
import { ContinuedAnswer } from './continued-answer';
import { isRestartable } from './worker-engine';

export { bundledFallback, LOAD_RETRIES, type LoadFallback } from './load-retries';

export type {
  Bridge,
  BridgeEvent,
  BridgeObserver,
  BridgeOptions,
  GenerateOptions,
  GenerationFrame,
  GenerationOutcome,
  KeptModel,
  LoadOutcome,
  StreamListener,
} from './bridge-types';

const CRASH_RELOAD_COOLDOWN_MS = 60_000;

const NO_DISPLAY_FILTERS: DisplaySettings = {
  redactWords: '',
  normalizeWhitespace: false,
  pacing: 'off',
  pacingCharsPerSecond: '0',
};

const superseded: LoadOutcome = {
  ok: false,
  cancelled: true,
  error: { name: 'LoadCancelled', message: 'A newer load replaced this one.' },
};

/**
 * The one owner of the engine on the page, and a store-free client of it. It reads the token
 * stream and emits at most one `generation-frame` per paced frame, so rendering cost does not
 * grow with the token rate. It holds only what it needs to drive the engine: the live run,
 * the load in flight and the model it last loaded.
 */
export function createBridge(engine: EngineApi, options: BridgeOptions = {}): Bridge {
  const now = options.now ?? (() => performance.now());
  const maxRatePoints = options.maxRatePoints ?? 240;
  const statsIntervalMs = options.statsIntervalMs ?? 250;
  const displaySettings = options.displaySettings ?? (() => NO_DISPLAY_FILTERS);
  const debug = createDebugLogger(options.debug ?? (() => false));
  const listeners = new Multicast<Parameters<StreamListener>>('bridge stream');
  const observers = new Multicast<[BridgeEvent]>('bridge events');
  listeners.subscribe(debug.event);
  const emit = (event: BridgeEvent) => observers.emit(event);

  let loadFallback: LoadFallback | null = null;
  let loadAbort: AbortController | null = null;
  /** The model the engine holds (or is loading): for the stream context, crash recovery and restarts. */
  let current: { spec: ModelSpec; label: string; result: LoadResult | null } | null = null;
  let live: LiveRun | null = null;
  let pendingProgress: Extract<BridgeEvent, { type: 'load-progress' }> | null = null;
  let requestCount = 0;
  let lastCrashAt = -Infinity;
  let gpuLost = false;

  const frames = createFrameScheduler(flush, {
    scheduleFrame: options.scheduleFrame ?? ((cb: () => void) => requestAnimationFrame(cb) as unknown as number),
    cancelFrame: options.cancelFrame ?? ((h: number) => cancelAnimationFrame(h)),
    now,
    minIntervalMs: options.minFrameIntervalMs ?? 50,
  });
  const display = createRunDisplay({ emit, now, frames, maxRatePoints });
  const { finishDisplay, handle, show } = display;
  const crash = watchCrashes(engine, recoverFromCrash);

  function flush(): void {
    if (pendingProgress) {
      emit(pendingProgress);
      pendingProgress = null;
    }
    if (live) display.flush(live);
  }

  async function consume(run: LiveRun, request: GenerateRequest): Promise<GenerationOutcome> {
    const fail = (error: unknown): GenerationOutcome => {
      finishDisplay(run);
      const named = describeError(error);
      emit({ type: 'generation-failed', error: named });
      return { reason: 'error', text: run.text, stats: run.stats, error: named };
    };
    let stream: ReadableStream<StreamEvent>;
    try {
      stream = await crash.race(engine.generate({ statsIntervalMs, ...request }));
    } catch (error) {
      return fail(error);
    }
    // Stop pressed before the engine answered: the run exists now, so stop it.
    if (run.stopRequested) void engine.stop().catch(() => {});
    let reader = stream.getReader();
    const answer = new ContinuedAnswer();
    try {
      for (;;) {
        const { value, done } = await crash.race(reader.read());
        if (done) break;
        if (value.type === 'error' && value.name === 'GpuLost' && !run.stopRequested) {
          const carry = answer.carryOver(value, run.text + run.pendingText.join(''));
          reader.releaseLock?.();
          const next = await goOnAfterGpuLoss(request, value.message, carry);
          if (!next) return fail({ name: 'GenerationError', message: "The GPU was lost at the answer's last token." });
          reader = next.getReader();
          continue;
        }
        const event = answer.map(value);
        if (!event) continue;
        listeners.emit(event, run.context);
        const outcome = handle(run, event);
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

  /**
   * The WebGPU device was lost mid-answer (the text so far stays on screen). ORT's WebGPU state in that worker
   * went with it, so a fresh worker loads the same model on WASM (from the cache: no download) and a new run
   * prefills the answer's ids and goes on with it. Every later load in this page stays on WASM: Chromium blocks
   * WebGPU for a site after repeated losses.
   */
  async function goOnAfterGpuLoss(
    request: GenerateRequest,
    notice: string,
    carry: { ids: number[]; maxTokens: number } | null,
  ): Promise<ReadableStream<StreamEvent> | null> {
    gpuLost = true;
    emit({ type: 'gpu-lost', notice });
    const lost = current;
    if (!lost) throw new Error('No model to reload after the GPU was lost. Load one again.');
    if (isRestartable(engine)) await engine.restart();
    const spec = { ...lost.spec, gpuLost: true };
    const result = await crash.race(engine.load(spec));
    current = { spec, label: lost.label, result };
    emit({ type: 'backend-changed', result });
    if (!carry) return null;
    return crash.race(
      engine.generate({ statsIntervalMs, ...request, continueIds: carry.ids, maxTokens: carry.maxTokens }),
    );
  }

  /** The engine for the in-page OpenAI API: its answers go on after a lost GPU, as the typewriter's do. */
  const apiEngine = withContinuedAnswers(engine, async (request) =>
    continuedStream(await crash.race(engine.generate(request)), (notice, carry) =>
      goOnAfterGpuLoss(request, notice, carry),
    ),
  );

  function controlFailed(error: unknown): void {
    emit({ type: 'control-failed', error: describeError(error) });
  }

  /** The model loaded before a failed load, when the engine still holds it. */
  async function stillLoaded(previous: KeptModel): Promise<KeptModel | null> {
    try {
      const held = (await crash.race(engine.status())).model;
      const was = previous.result;
      return held && held.modelId === was.modelId && held.backend === was.backend && held.dtype === was.dtype
        ? previous
        : null;
    } catch {
      return null;
    }
  }

  /** `dismissError` is false for the automatic reload after a crash and for a fallback, so the notice stays. */
  async function load(requested: ModelSpec, label: string, dismissError: boolean): Promise<LoadOutcome> {
    const spec = gpuLost && requested.source.kind !== 'remote' ? { ...requested, gpuLost: true } : requested;
    if (live) await bridge.stop();
    // The newest load wins (the engine cancels the older one); a superseded load emits nothing more.
    loadAbort?.abort();
    const abort = new AbortController();
    loadAbort = abort;
    const replaced = () => loadAbort !== abort;
    const previous = current;
    current = { spec, label, result: null };
    emit({ type: 'load-started', spec, label, dismissError });
    debug.note(`load ${label}`, spec);

    const samples: ByteSample[] = [];
    const onProgress = (progress: LoadProgress) => {
      if (replaced()) return;
      pendingProgress = {
        type: 'load-progress',
        progress,
        speed: trackLoadSpeed(samples, now(), progress.loaded, progress.total),
      };
      frames.request();
    };
    try {
      // With `restartOnSwitch`, a switch from a loaded model starts a fresh worker: a WASM heap never shrinks,
      // so only a new one gives the old model's high-water mark back. The app leaves it off (app-runtime.ts:
      // in a real profile each restart kept ~300 MB); both are in `npm run bench:page`.
      if (options.restartOnSwitch && previous?.result && isRestartable(engine)) {
        const startedAt = now();
        await engine.restart();
        emit({ type: 'engine-restarted', ms: now() - startedAt });
      }
      const result = await loadWithRetries(() => crash.race(engine.load(spec, onProgress)), {
        signal: abort.signal,
        random: options.random,
        onRetry(retry) {
          frames.flushNow();
          if (retry) debug.note(`load retry ${retry.attempt} of ${retry.of}`, retry);
          emit({ type: 'load-retrying', retry });
        },
      });
      if (replaced()) return superseded;
      frames.flushNow();
      current = { spec, label, result };
      emit({ type: 'load-succeeded', result });
      debug.note(`loaded ${result.modelId} on ${result.backend}`, result);
      return { ok: true, result };
    } catch (error) {
      if (replaced()) return superseded;
      frames.flushNow();
      const named = describeError(error);
      debug.note(`load of ${label} failed`, named);
      // A load that ends before the new weights are fetched leaves the model before it loaded (EngineApi.load).
      const kept = previous?.result ? await stillLoaded({ ...previous, result: previous.result }) : null;
      if (replaced()) return superseded;
      current = kept;
      // After Cancel, whatever the engine reports (LoadCancelled, or a fetch's AbortError) is the cancel.
      if (named.name === 'LoadCancelled' || abort.signal.aborted) {
        emit({ type: 'load-cancelled', kept });
        return { ok: false, error: { name: 'LoadCancelled', message: named.message }, cancelled: true, kept };
      }
      // The bundled model stands in for an unreachable one only when there is no model left to use.
      const fallback = isNetworkError(named) && !kept ? loadFallback?.(spec) : null;
      if (!fallback) {
        const shown = kept ? { ...named, message: `${named.message} Still using ${kept.label}.` } : named;
        emit({ type: 'load-failed', spec, label, error: shown, kept });
        return { ok: false, error: named, cancelled: false, kept };
      }
      emit({ type: 'load-failed', spec, label, error: fallbackNotice(label, named) });
      loadAbort = null;
      return load(fallback, 'Bundled test model', false);
    } finally {
      if (loadAbort === abort) loadAbort = null;
    }
  }

  const bridge: Bridge = {
    engine,
    apiEngine,

    load: (spec, label = specLabel(spec)) => load(spec, label, true),

    get busy() {
      return live !== null;
    },

    async generate(request, opts = {}) {
      if (live) {
        await bridge.stop();
        await live?.finished;
      }
      const requestId = request.requestId ?? `ui-${++requestCount}`;
      const owner = opts.owner ?? null;
      emit({ type: 'generation-started', requestId, owner });
      const context: StreamContext = {
        requestId,
        owner,
        model: current?.result?.modelId ?? null,
        backend: current?.result?.backend ?? null,
      };
      const { onEvent } = opts;
      const unsubscribe = onEvent ? bridge.subscribe((e, c) => c.requestId === requestId && onEvent(e)) : () => {};
      const run = createLiveRun(context, displaySettings());
      live = run;
      run.finished = consume(run, { ...request, requestId }).finally(() => {
        unsubscribe();
        if (live === run) live = null;
      });
      return run.finished;
    },

    async pause() {
      if (live) await engine.pause().catch(controlFailed);
    },

    async resume() {
      if (live) await engine.resume().catch(controlFailed);
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
        frames.request();
      }
      if (!live && !loadAbort) return;
      loadAbort?.abort();
      await engine.stop().catch(controlFailed);
    },

    subscribe: (listener) => listeners.subscribe(listener),

    observe: (observer: BridgeObserver) => observers.subscribe(observer),

    setLoadFallback(fallback) {
      loadFallback = fallback;
    },

    dispose() {
      crash.stop();
      listeners.clear();
      observers.clear();
      frames.cancel();
    },
  };

  function recoverFromCrash(error: Error): void {
    const lost = current;
    current = null;
    const named: NamedError = describeError(error);
    emit({ type: 'engine-crashed', error: named, spec: lost?.spec ?? null, label: lost?.label ?? '' });
    // One automatic reload; a model that crashes the worker again waits for the user's Retry.
    const at = now();
    if (lost && at - lastCrashAt > CRASH_RELOAD_COOLDOWN_MS)
      queueMicrotask(() => void load(lost.spec, lost.label, false));
    lastCrashAt = at;
  }

  return bridge;
}
