import type { LoadProgress, LoadResult, ModelSpec } from '../../workers/protocol';
import type { KeptModel, LoadRetry, LoadSpeed } from '../engine/bridge-types';
import type { SliceCreator } from './store-types';

export type { LoadRetry, LoadSpeed };

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelState {
  status: ModelStatus;
  /** What the user asked for; kept after a failure so Retry can ask again. */
  spec: ModelSpec | null;
  label: string;
  progress: LoadProgress | null;
  speed: LoadSpeed;
  result: LoadResult | null;
  /** A short line for outcomes that are not errors, e.g. "Loading cancelled." */
  note: string | null;
  retry: LoadRetry | null;
  /** Milliseconds the last worker restart (on a model switch) took, to give memory back; null before any. */
  restartMs: number | null;
}

export interface ModelSlice {
  model: ModelState;
  loadStarted(spec: ModelSpec, label: string): void;
  loadProgressed(progress: LoadProgress, speed: LoadSpeed): void;
  loadSucceeded(result: LoadResult): void;
  loadRetrying(retry: LoadRetry | null): void;
  /** `kept`: the model loaded before, which the engine still holds; the app stays ready with it. */
  loadFailed(kept: KeptModel | null): void;
  loadCancelled(kept: KeptModel | null): void;
  modelUnloaded(note: string | null): void;
  engineRestarted(ms: number): void;
}

export const initialModelState: ModelState = {
  status: 'idle',
  spec: null,
  label: '',
  progress: null,
  speed: { bytesPerSecond: null, etaMs: null },
  result: null,
  note: null,
  retry: null,
  restartMs: null,
};

export const createModelSlice: SliceCreator<ModelSlice> = (set) => ({
  model: initialModelState,
  loadStarted: (spec, label) =>
    set((s) => ({ model: { ...initialModelState, status: 'loading', spec, label, restartMs: s.model.restartMs } })),
  loadProgressed: (progress, speed) => set((s) => ({ model: { ...s.model, progress, speed } })),
  loadSucceeded: (result) =>
    set((s) => ({ model: { ...s.model, status: 'ready', result, speed: { bytesPerSecond: null, etaMs: null } } })),
  loadRetrying: (retry) => set((s) => ({ model: { ...s.model, retry, ...(retry ? { progress: null } : {}) } })),
  loadFailed: (kept) =>
    set((s) => ({
      model: kept
        ? { ...initialModelState, status: 'ready', ...kept, restartMs: s.model.restartMs }
        : { ...s.model, status: 'error', result: null, retry: null },
    })),
  loadCancelled: (kept) =>
    set((s) => ({
      model: kept
        ? { ...initialModelState, status: 'ready', ...kept, note: 'Loading cancelled.', restartMs: s.model.restartMs }
        : { ...s.model, status: 'idle', result: null, progress: null, retry: null, note: 'Loading cancelled.' },
    })),
  modelUnloaded: (note) => set((s) => ({ model: { ...s.model, status: 'idle', result: null, progress: null, note } })),
  engineRestarted: (ms) => set((s) => ({ model: { ...s.model, restartMs: ms } })),
});

/** The host a loaded remote backend sends the conversation to, or null when the model runs here. */
export function remoteHostOf(model: Pick<ModelState, 'spec' | 'result'>): string | null {
  const source = model.spec?.source;
  if (model.result?.backend !== 'remote' || source?.kind !== 'remote') return null;
  try {
    return new URL(source.baseUrl).host;
  } catch {
    return source.baseUrl;
  }
}
