import { listenForInstallPrompt } from './install-prompt';
import { startPwaSync } from './pwa-sync';
import { registerServiceWorker } from './service-worker';

/** Idempotent: the status bar calls it on mount; an app may call it earlier. */
export function startPwa(): void {
  listenForInstallPrompt();
  registerServiceWorker();
  startPwaSync();
}
