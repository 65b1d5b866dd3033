import type { StoreApi } from 'zustand/vanilla';
import type { AppState } from './store';

/** A slice sees the whole store, so cross-slice updates stay one `set` (one render). */
export type SliceCreator<T> = (set: StoreApi<AppState>['setState'], get: () => AppState) => T;
