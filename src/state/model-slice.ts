import type { LoadProgress, LoadResult, ModelSpec } from '../../workers/protocol';
import type { SliceCreator } from './store-types';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface LoadSpeed {
  bytesPerSecond: number | null;
  etaMs: number | null;
}

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
}

export interface ModelSlice {
  model: ModelState;
  loadStarted(spec: ModelSpec, label: string): void;
  loadProgressed(progress: LoadProgress, speed: LoadSpeed): void;
  loadSucceeded(result: LoadResult): void;
  loadFailed(): void;
  loadCancelled(): void;
  modelUnloaded(note: string | null): void;
}

export const initialModelState: ModelState = {
  status: 'idle',
  spec: null,
  label: '',
  progress: null,
  speed: { bytesPerSecond: null, etaMs: null },
  result: null,
  note: null,
};

export const createModelSlice: SliceCreator<ModelSlice> = (set) => ({
  model: initialModelState,
  loadStarted: (spec, label) => set({ model: { ...initialModelState, status: 'loading', spec, label } }),
  loadProgressed: (progress, speed) => set((s) => ({ model: { ...s.model, progress, speed } })),
  loadSucceeded: (result) =>
    set((s) => ({ model: { ...s.model, status: 'ready', result, speed: { bytesPerSecond: null, etaMs: null } } })),
  loadFailed: () => set((s) => ({ model: { ...s.model, status: 'error', result: null } })),
  loadCancelled: () =>
    set((s) => ({ model: { ...s.model, status: 'idle', result: null, progress: null, note: 'Loading cancelled.' } })),
  modelUnloaded: (note) => set((s) => ({ model: { ...s.model, status: 'idle', result: null, progress: null, note } })),
});
