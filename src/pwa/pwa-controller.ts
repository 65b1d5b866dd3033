import type { AppRuntime } from '../app-runtime';
import { createInstallPrompt } from './install-prompt';
import { createPwaSync } from './pwa-sync';
import { createServiceWorkerControl } from './service-worker';
import { createStorageActions } from './storage-actions';

/**
 * The offline/PWA side of the app over the page's one store and bridge: install prompt,
 * service worker updates, offline readiness, storage report and the model manager's actions.
 * Its state is the store's `pwa` slice; views read it through the same StoreContext as the chat UI.
 */
export function createPwaController({ store, bridge }: AppRuntime) {
  const sync = createPwaSync(store, bridge.engine);
  const install = createInstallPrompt(store);
  const serviceWorker = createServiceWorkerControl(store);
  const storage = createStorageActions(store, bridge, sync);
  let started = false;
  return {
    ...storage,
    refreshStorage: sync.refreshStorage,
    promptInstall: install.prompt,
    applyUpdate: serviceWorker.applyUpdate,
    /** Idempotent: the status bar calls it on mount. */
    start(): void {
      if (started) return;
      started = true;
      install.listen();
      serviceWorker.register();
      sync.start();
    },
  };
}

export type PwaController = ReturnType<typeof createPwaController>;
