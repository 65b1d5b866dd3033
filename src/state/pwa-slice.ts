import type { StorageReport } from '../../workers/protocol';
import type { SliceCreator } from './store-types';

/** Where the selected model's files are, as far as working offline goes. */
export type ModelAvailability = 'none' | 'bundled' | 'cached' | 'not-cached' | 'on-disk';

export interface PwaState {
  serviceWorker: 'unsupported' | 'registering' | 'active' | 'error';
  serviceWorkerError: string | null;
  /** A service worker controls this page: its install finished, so the whole precache is in place. */
  shellCached: boolean;
  /** A new version is installed and waiting for the user. */
  updateAvailable: boolean;
  /** The user accepted the update during a generation; it applies when the generation ends. */
  updateDeferred: boolean;
  /** Chrome offered installation (`beforeinstallprompt`). */
  canInstall: boolean;
  installed: boolean;
  persist: { state: 'granted' | 'denied' | 'unsupported'; requested: boolean } | null;
  modelAvailability: ModelAvailability;
  storage: StorageReport | null;
  /** Named error from the last storage action or folder load, shown next to the manager. */
  error: { name: string; message: string } | null;
  busy: string | null;
}

export const initialPwaState: PwaState = {
  serviceWorker: 'registering',
  serviceWorkerError: null,
  shellCached: false,
  updateAvailable: false,
  updateDeferred: false,
  canInstall: false,
  installed: false,
  persist: null,
  modelAvailability: 'none',
  storage: null,
  error: null,
  busy: null,
};

export interface PwaSlice {
  pwa: PwaState;
  pwaChanged(patch: Partial<PwaState>): void;
}

export const createPwaSlice: SliceCreator<PwaSlice> = (set) => ({
  pwa: initialPwaState,
  pwaChanged: (patch) => set((s) => ({ pwa: { ...s.pwa, ...patch } })),
});

export const isReadyOffline = (s: PwaState): boolean =>
  s.shellCached && (s.modelAvailability === 'bundled' || s.modelAvailability === 'cached');
