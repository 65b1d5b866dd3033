import type { AppStore } from '../state/store';

/** Chrome's `beforeinstallprompt` event (not in the DOM typings). */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** The app's own Install button, in place of Chrome's mini-infobar. */
export function createInstallPrompt(store: AppStore) {
  let deferred: InstallPromptEvent | null = null;
  const changed = store.getState().pwaChanged;
  return {
    listen(): void {
      window.addEventListener('beforeinstallprompt', (event) => {
        event.preventDefault();
        deferred = event as InstallPromptEvent;
        changed({ canInstall: true });
      });
      window.addEventListener('appinstalled', () => {
        deferred = null;
        changed({ canInstall: false, installed: true });
      });
      if (window.matchMedia?.('(display-mode: standalone)').matches) changed({ installed: true });
    },
    async prompt(): Promise<void> {
      const event = deferred;
      if (!event) return;
      deferred = null;
      changed({ canInstall: false });
      await event.prompt();
      const { outcome } = await event.userChoice;
      if (outcome === 'accepted') changed({ installed: true });
    },
  };
}
