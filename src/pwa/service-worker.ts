import { registerSW } from 'virtual:pwa-register';
import { isGenerating } from '../state/generation-slice';
import type { AppStore } from '../state/store';

/**
 * Registers the Workbox service worker (vite-plugin-pwa, registerType 'prompt') and keeps the PWA store in step.
 * A new version waits until the user accepts it, and the page is never reloaded while a model is loading
 * or generating: the reload waits for the engine to be idle.
 */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function createServiceWorkerControl(store: AppStore) {
  let updateServiceWorker: ((reload?: boolean) => Promise<void>) | null = null;
  let reloading = false;
  const changed = store.getState().pwaChanged;

  function reloadOnce(): void {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  }

  const engineBusy = (): boolean => {
    const { generation, model } = store.getState();
    return isGenerating(generation.status) || model.status === 'loading';
  };

  /** Runs `action` now, or as soon as no generation or load is running. */
  function whenEngineIdle(action: () => void): void {
    if (!engineBusy()) {
      action();
      return;
    }
    changed({ updateDeferred: true });
    const unsubscribe = store.subscribe(() => {
      if (engineBusy()) return;
      unsubscribe();
      action();
    });
  }

  function syncController(): void {
    changed({ shellCached: navigator.serviceWorker.controller !== null });
  }

  function register(): void {
    if (!('serviceWorker' in navigator)) {
      changed({ serviceWorker: 'unsupported' });
      return;
    }
    // A controlling worker is an activated one, and activation follows a complete precache.
    syncController();
    navigator.serviceWorker.addEventListener('controllerchange', syncController);
    updateServiceWorker = registerSW({
      immediate: true,
      onNeedRefresh: () => changed({ updateAvailable: true }),
      onOfflineReady: syncController,
      // The new version took control (after the user accepted it here or in another tab): reload when idle.
      onNeedReload: () => whenEngineIdle(reloadOnce),
      onRegisteredSW: (_url, registration) => {
        changed({ serviceWorker: 'active' });
        void navigator.serviceWorker.ready.then(syncController);
        if (registration) setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
      },
      onRegisterError: (error: unknown) =>
        changed({
          serviceWorker: 'error',
          serviceWorkerError: error instanceof Error ? error.message : String(error),
        }),
    });
  }

  /** The user accepted the update: activate the waiting worker, now or after the running generation. */
  function applyUpdate(): void {
    whenEngineIdle(() => {
      changed({ updateDeferred: false });
      // workbox-window reports an update found after page load as "external" and may not signal it took
      // control; the controller change itself is the reliable sign, and the user has already said yes.
      navigator.serviceWorker.addEventListener('controllerchange', reloadOnce, { once: true });
      void updateServiceWorker?.(true);
    });
  }

  return { register, applyUpdate };
}
