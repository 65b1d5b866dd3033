import { pwaStore } from './pwa-store';

/** Chrome's `beforeinstallprompt` event (not in the DOM typings). */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let deferred: InstallPromptEvent | null = null;
let listening = false;

export function listenForInstallPrompt(): void {
  if (listening) return;
  listening = true;
  window.addEventListener('beforeinstallprompt', (event) => {
    // Keep Chrome's mini-infobar away; the app offers its own Install button.
    event.preventDefault();
    deferred = event as InstallPromptEvent;
    pwaStore.setState({ canInstall: true });
  });
  window.addEventListener('appinstalled', () => {
    deferred = null;
    pwaStore.setState({ canInstall: false, installed: true });
  });
  if (window.matchMedia?.('(display-mode: standalone)').matches) pwaStore.setState({ installed: true });
}

export async function promptInstall(): Promise<void> {
  const event = deferred;
  if (!event) return;
  deferred = null;
  pwaStore.setState({ canInstall: false });
  await event.prompt();
  const { outcome } = await event.userChoice;
  if (outcome === 'accepted') pwaStore.setState({ installed: true });
}
