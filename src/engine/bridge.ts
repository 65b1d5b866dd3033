import { describeError, type NamedError } from '../../common/error-names';
import type { EngineApi, GenerateRequest, StreamEvent } from '../../workers/protocol';
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
  StreamListener,
} from './bridge-types';
import { continuedStream, withContinuedAnswers } from './continued-stream';
import { watchCrashes } from './crash-signal';
import { createFrameScheduler } from './frame-scheduler';
import { createLiveRun, type LiveRun } from './live-run';
import { createRunDisplay } from './run-display';
import { createModelLoads } from './model-loads';
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

  let live: LiveRun | null = null;
  let requestCount = 0;
  let lastCrashAt = -Infinity;

  const frames = createFrameScheduler(flush, {
    scheduleFrame: options.scheduleFrame ?? ((cb: () => void) => requestAnimationFrame(cb) as unknown as number),
    cancelFrame: options.cancelFrame ?? ((h: number) => cancelAnimationFrame(h)),
    now,
    minIntervalMs: options.minFrameIntervalMs ?? 50,
  });
  const display = createRunDisplay({ emit, now, frames, maxRatePoints });
  const { finishDisplay, handle, show } = display;
  const crash = watchCrashes(engine, recoverFromCrash);
  const loads = createModelLoads({
    engine,
    crash,
    emit,
    frames,
    now,
    debug,
    running: () => live !== null,
    stopRun: () => bridge.stop(),
    restartOnSwitch: options.restartOnSwitch ?? false,
    random: options.random,
  });

  function flush(): void {
    loads.flushProgress();
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
    loads.markGpuLost();
    emit({ type: 'gpu-lost', notice });
    const lost = loads.held;
    if (!lost) throw new Error('No model to reload after the GPU was lost. Load one again.');
    if (isRestartable(engine)) await engine.restart();
    const spec = { ...lost.spec, gpuLost: true };
    const result = await crash.race(engine.load(spec));
    loads.setHeld({ spec, label: lost.label, result });
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

  const bridge: Bridge = {
    engine,
    apiEngine,

    load: (spec, label = specLabel(spec)) => loads.load(spec, label, true),

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
        model: loads.held?.result?.modelId ?? null,
        backend: loads.held?.result?.backend ?? null,
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
      if (!live && !loads.inFlight) return;
      loads.abort();
      await engine.stop().catch(controlFailed);
    },

    subscribe: (listener) => listeners.subscribe(listener),

    observe: (observer: BridgeObserver) => observers.subscribe(observer),

    setLoadFallback(fallback) {
      loads.setFallback(fallback);
    },

    dispose() {
      crash.stop();
      listeners.clear();
      observers.clear();
      frames.cancel();
    },
  };

  function recoverFromCrash(error: Error): void {
    const lost = loads.held;
    loads.setHeld(null);
    const named: NamedError = describeError(error);
    emit({ type: 'engine-crashed', error: named, spec: lost?.spec ?? null, label: lost?.label ?? '' });
    // One automatic reload; a model that crashes the worker again waits for the user's Retry.
    const at = now();
    if (lost && at - lastCrashAt > CRASH_RELOAD_COOLDOWN_MS)
      queueMicrotask(() => void loads.load(lost.spec, lost.label, false));
    lastCrashAt = at;
  }

  return bridge;
}
