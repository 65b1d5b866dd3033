import { useEffect } from 'react';
import type { AppStore } from '../state/store';
import type { Bridge } from '../engine/bridge';
import { isGenerating } from '../state/generation-slice';

/** Shown in the UI help and button titles. */
export const PAUSE_SHORTCUT = 'Ctrl+. (⌘. on Mac) or Alt+P';
export const STOP_SHORTCUT = 'Esc';

export function isPauseShortcut(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  return ((e.ctrlKey || e.metaKey) && e.key === '.') || (e.altKey && e.code === 'KeyP');
}

/** Esc stops, Ctrl/Cmd+. or Alt+P toggles pause; only while a generation runs, so Esc keeps its usual meaning otherwise. */
export function useGenerationShortcuts(bridge: Bridge, store: AppStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isGenerating(store.getState().generation.status)) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        void bridge.stop();
      } else if (isPauseShortcut(e)) {
        e.preventDefault();
        void bridge.togglePause();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bridge, store]);
}
