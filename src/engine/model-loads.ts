import { describeError } from '../../common/error-names';
import type { EngineApi, LoadProgress, LoadResult, ModelSpec } from '../../workers/protocol';
import type { BridgeEvent, KeptModel, LoadOutcome } from './bridge-types';
import type { createDebugLogger } from '../streams/console-trace';
import type { watchCrashes } from './crash-signal';
import type { createFrameScheduler } from './frame-scheduler';
import { trackLoadSpeed, type ByteSample } from './load-speed';
import { fallbackNotice, isNetworkError, loadWithRetries, type LoadFallback } from './load-retries';
import { isRestartable } from './worker-engine';

/** The model the engine holds, or is loading (`result` null until it loaded). */
export interface HeldModel {
  spec: ModelSpec;
  label: string;
  result: LoadResult | null;
}

export interface ModelLoadsDeps {
  engine: EngineApi;
  crash: ReturnType<typeof watchCrashes>;
  emit: (event: BridgeEvent) => void;
  frames: ReturnType<typeof createFrameScheduler>;
  now: () => number;
  debug: ReturnType<typeof createDebugLogger>;
  /** Whether a generation runs, and how to stop it: a load never runs beside one. */
  running: () => boolean;
  stopRun: () => Promise<void>;
  restartOnSwitch: boolean;
  random?: () => number;
}

const superseded: LoadOutcome = {
  ok: false,
  cancelled: true,
  error: { name: 'LoadCancelled', message: 'A newer load replaced this one.' },
};

/**
 * The bridge's loads: the newest one wins, its progress is paced to frames, network failures are retried, a
 * failure keeps the model loaded before it when the engine still holds it, and the bundled model stands in for an
 * unreachable one when none is left. It owns the record of which model the engine holds.
 */
export function createModelLoads(deps: ModelLoadsDeps) {
  const { engine, crash, emit, frames, now, debug } = deps;
  let held: HeldModel | null = null;
  let loadAbort: AbortController | null = null;
  let loadFallback: LoadFallback | null = null;
  let pendingProgress: Extract<BridgeEvent, { type: 'load-progress' }> | null = null;
  /** Set once a GPU was lost: every later load in this page stays on WASM (Chromium blocks WebGPU after losses). */
  let gpuLost = false;

  /** The model loaded before a failed load, when the engine still holds it. */
  async function stillLoaded(previous: KeptModel): Promise<KeptModel | null> {
    try {
      const model = (await crash.race(engine.status())).model;
      const was = previous.result;
      return model && model.modelId === was.modelId && model.backend === was.backend && model.dtype === was.dtype
        ? previous
        : null;
    } catch {
      return null;
    }
  }

  /** `dismissError` is false for the automatic reload after a crash and for a fallback, so the notice stays. */
  async function load(requested: ModelSpec, label: string, dismissError: boolean): Promise<LoadOutcome> {
    const spec = gpuLost && requested.source.kind !== 'remote' ? { ...requested, gpuLost: true } : requested;
    // Only awaited when a run is live, so `load-started` is emitted in the caller's turn otherwise.
    if (deps.running()) await deps.stopRun();
    // The newest load wins (the engine cancels the older one); a superseded load emits nothing more.
    loadAbort?.abort();
    const abort = new AbortController();
    loadAbort = abort;
    const replaced = () => loadAbort !== abort;
    const previous = held;
    held = { spec, label, result: null };
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
      if (deps.restartOnSwitch && previous?.result && isRestartable(engine)) {
        const startedAt = now();
        await engine.restart();
        emit({ type: 'engine-restarted', ms: now() - startedAt });
      }
      const result = await loadWithRetries(() => crash.race(engine.load(spec, onProgress)), {
        signal: abort.signal,
        random: deps.random,
        onRetry(retry) {
          frames.flushNow();
          if (retry) debug.note(`load retry ${retry.attempt} of ${retry.of}`, retry);
          emit({ type: 'load-retrying', retry });
        },
      });
      if (replaced()) return superseded;
      frames.flushNow();
      held = { spec, label, result };
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
      held = kept;
      // Past that point the engine had let the model before go for the new weights: it is loaded again (from this
      // device's cache), so a failed or cancelled switch ends with the model it began with.
      const restore = !kept && previous?.result ? previous : null;
      // After Cancel, whatever the engine reports (LoadCancelled, or a fetch's AbortError) is the cancel.
      if (named.name === 'LoadCancelled' || abort.signal.aborted) {
        emit({ type: 'load-cancelled', kept });
        const error = { name: 'LoadCancelled', message: named.message };
        return restoreAfter({ ok: false, error, cancelled: true, kept }, restore);
      }
      // The bundled model stands in for an unreachable one only when there is no model to go back to.
      const fallback = isNetworkError(named) && !kept && !restore ? loadFallback?.(spec) : null;
      if (!fallback) {
        const still = kept ? ` Still using ${kept.label}.` : restore ? ` Going back to ${restore.label}.` : '';
        emit({ type: 'load-failed', spec, label, error: { ...named, message: named.message + still }, kept });
        return restoreAfter({ ok: false, error: named, cancelled: false, kept }, restore);
      }
      emit({ type: 'load-failed', spec, label, error: fallbackNotice(label, named) });
      loadAbort = null;
      return load(fallback, 'Bundled test model', false);
    } finally {
      if (loadAbort === abort) loadAbort = null;
    }
  }

  /** Loads `model` again after `failed`; the outcome is still the failure, with the model now kept. */
  async function restoreAfter(
    failed: Extract<LoadOutcome, { ok: false }>,
    model: HeldModel | null,
  ): Promise<LoadOutcome> {
    if (!model) return failed;
    loadAbort = null;
    const back = await load(model.spec, model.label, false);
    return back.ok ? { ...failed, kept: { spec: model.spec, label: model.label, result: back.result } } : failed;
  }

  return {
    load,
    /** The model the engine holds or is loading, as far as the bridge knows. */
    get held(): HeldModel | null {
      return held;
    },
    /** The engine reloaded (after a lost GPU) or lost (a crash) its model outside a load. */
    setHeld(model: HeldModel | null): void {
      held = model;
    },
    markGpuLost(): void {
      gpuLost = true;
    },
    get inFlight(): boolean {
      return loadAbort !== null;
    },
    /** Cancels the load in flight; the engine's own `stop` ends it there. */
    abort(): void {
      loadAbort?.abort();
    },
    setFallback(fallback: LoadFallback | null): void {
      loadFallback = fallback;
    },
    /** Emits the newest progress since the last frame, once. */
    flushProgress(): void {
      if (!pendingProgress) return;
      emit(pendingProgress);
      pendingProgress = null;
    },
  };
}

export type ModelLoads = ReturnType<typeof createModelLoads>;
