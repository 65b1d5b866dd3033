import type { EngineApi } from '../../workers/protocol';
import type { ModelState } from '../state/model-slice';
import type { AppStore } from '../state/store';
import { availabilityOf } from './model-availability';

/**
 * Follows the store's model slice: recomputes whether the selected model works offline, refreshes the
 * storage report, and asks for persistent storage after the user's first model download.
 */
export function createPwaSync(store: AppStore, engine: EngineApi) {
  const changed = store.getState().pwaChanged;
  let persistAsked = false;
  let availabilityRun = 0;

  async function refreshStorage(): Promise<void> {
    try {
      changed({ storage: await engine.storage() });
    } catch {
      // The report is informational; the manager shows what it last had.
    }
  }

  async function refreshAvailability(): Promise<void> {
    // Checks overlap (a load starts and ends quickly); only the newest may write its answer.
    const run = ++availabilityRun;
    const { model, settings } = store.getState();
    const availability = await availabilityOf(
      model.spec?.source ?? null,
      model.result?.files ?? [],
      settings.hubHost,
      async () => (await engine.storage()).models,
    ).catch(() => 'not-cached' as const);
    if (run === availabilityRun) changed({ modelAvailability: availability });
  }

  /** `persist()` exists only on the main thread; a downloaded model is what makes eviction costly. */
  async function requestPersistence(): Promise<void> {
    if (!navigator.storage?.persist) {
      changed({ persist: { state: 'unsupported', requested: false } });
      return;
    }
    const granted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    changed({ persist: { state: granted ? 'granted' : 'denied', requested: true } });
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

  return {
    refreshStorage,
    refreshAvailability,
    start(): void {
      store.subscribe((state, previous) => onModelChange(state.model, previous.model));
      navigator.serviceWorker?.addEventListener('controllerchange', () => void refreshAvailability());
      void navigator.storage?.persisted?.().then((granted) => {
        if (granted) changed({ persist: { state: 'granted', requested: false } });
      });
      void refreshAvailability();
    },
  };
}

export type PwaSync = ReturnType<typeof createPwaSync>;
