import type { ModelState } from '../state/model-slice';
import { appStore } from '../state/store';
import { engine } from './engine-access';
import { availabilityOf } from './model-availability';
import { pwaStore } from './pwa-store';

/**
 * Follows the app store: recomputes whether the selected model works offline, refreshes the storage report,
 * and asks for persistent storage after the user's first model download.
 */
let persistAsked = false;

export async function refreshStorage(): Promise<void> {
  try {
    const storage = await engine().storage();
    pwaStore.setState({ storage });
  } catch {
    // The report is informational; the manager shows what it last had.
  }
}

let availabilityRun = 0;

export async function refreshAvailability(): Promise<void> {
  // Checks overlap (a load starts and ends quickly); only the newest may write its answer.
  const run = ++availabilityRun;
  const { model, settings } = appStore.getState();
  const availability = await availabilityOf(
    model.spec?.source ?? null,
    model.result?.files ?? [],
    settings.hubHost,
    async () => (await engine().storage()).models,
  ).catch(() => 'not-cached' as const);
  if (run === availabilityRun) pwaStore.setState({ modelAvailability: availability });
}

/** `persist()` exists only on the main thread; a downloaded model is what makes eviction costly. */
export async function requestPersistence(): Promise<void> {
  if (!navigator.storage?.persist) {
    pwaStore.setState({ persist: { state: 'unsupported', requested: false } });
    return;
  }
  const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  pwaStore.setState({ persist: { state: granted ? 'granted' : 'denied', requested: true } });
}

function onModelChange(model: ModelState, previous: ModelState): void {
  if (model.status === previous.status && model.spec === previous.spec) return;
  void refreshAvailability();
  if (model.status !== 'ready' || previous.status === 'ready') return;
  void refreshStorage();
  const firstDownload = model.result?.fromCache === false && model.spec?.source.kind === 'hub';
  if (firstDownload && !persistAsked) {
    persistAsked = true;
    void requestPersistence();
  }
}

let started = false;

export function startPwaSync(): void {
  if (started) return;
  started = true;
  appStore.subscribe((state, previous) => onModelChange(state.model, previous.model));
  navigator.serviceWorker?.addEventListener('controllerchange', () => void refreshAvailability());
  void navigator.storage?.persisted?.().then((granted) => {
    if (granted) pwaStore.setState({ persist: { state: 'granted', requested: false } });
  });
  void refreshAvailability();
}
