import { useStore } from 'zustand';
import { pwaStore, type PwaState } from './pwa-store';

export const usePwa = <T>(selector: (state: PwaState) => T): T => useStore(pwaStore, selector);
