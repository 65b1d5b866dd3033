import { useAppStore } from '../state/hooks';
import type { PwaState } from '../state/pwa-slice';

/** A selector over the store's `pwa` slice. */
export const usePwa = <T>(selector: (state: PwaState) => T): T => useAppStore((s) => selector(s.pwa));
