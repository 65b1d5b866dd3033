import './pwa.css';
import { useEffect } from 'react';
import { isGenerating } from '../state/generation-slice';
import { useAppStore } from '../state/hooks';
import { isReadyOffline } from '../state/pwa-slice';
import { useServices } from '../ui/services';
import { usePwa } from './use-pwa';

const APP_VERSION: string = import.meta.env.VITE_APP_VERSION ?? 'dev';

function InstallButton() {
  const canInstall = usePwa((s) => s.canInstall);
  const { pwa } = useServices();
  if (!canInstall) return null;
  return (
    <button type="button" onClick={() => void pwa.promptInstall()}>
      Install
    </button>
  );
}

function UpdatePrompt() {
  const available = usePwa((s) => s.updateAvailable);
  const deferred = usePwa((s) => s.updateDeferred);
  const { pwa } = useServices();
  const busy = useAppStore((s) => isGenerating(s.generation.status) || s.model.status === 'loading');
  if (!available) return null;
  if (deferred) {
    return (
      <span role="status" className="pwa-update">
        Update accepted: the app reloads when the current generation ends.
      </span>
    );
  }
  return (
    <span className="pwa-update">
      <button
        type="button"
        onClick={pwa.applyUpdate}
        title={busy ? 'Reloads when the current generation ends' : undefined}
      >
        Update available — reload
      </button>
    </span>
  );
}

function OfflineIndicator() {
  const ready = usePwa(isReadyOffline);
  const shellCached = usePwa((s) => s.shellCached);
  const availability = usePwa((s) => s.modelAvailability);
  const text = ready
    ? 'Ready offline'
    : !shellCached
      ? 'Not yet available offline'
      : availability === 'on-disk'
        ? 'App ready offline; model loaded from disk'
        : availability === 'none'
          ? 'App ready offline; no model selected'
          : 'App ready offline; model not downloaded yet';
  return (
    <span role="status" aria-label="Offline status" data-ready-offline={ready} className="pwa-offline">
      {text}
    </span>
  );
}

function PersistResult() {
  const persist = usePwa((s) => s.persist);
  if (!persist?.requested && persist?.state !== 'granted') return null;
  const text =
    persist.state === 'granted'
      ? 'Storage is persistent: the browser will not evict downloaded models.'
      : persist.state === 'denied'
        ? 'Storage is not persistent: the browser may evict downloaded models when space runs low.'
        : 'This browser cannot make storage persistent.';
  return (
    <span role="status" aria-label="Storage persistence" className="pwa-persist">
      {text}
    </span>
  );
}

/** Header strip: install, update, offline readiness and storage persistence. */
export function PwaStatusBar() {
  const { pwa } = useServices();
  useEffect(() => pwa.start(), [pwa]);
  return (
    <div className="pwa-status" data-app-version={APP_VERSION}>
      <OfflineIndicator />
      <PersistResult />
      <UpdatePrompt />
      <InstallButton />
      <span className="pwa-version">Version {APP_VERSION}</span>
    </div>
  );
}
