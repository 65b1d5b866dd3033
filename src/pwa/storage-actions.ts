import { describeError } from '../../common/error-names';
import { hubCacheKey } from '../../common/hub';
import type { Bridge } from '../engine/bridge';
import type { AppStore } from '../state/store';
import type { PickedFolder } from './folder-files';
import type { PwaSync } from './pwa-sync';

/** The model manager's actions: delete one or all cached models, load a picked folder. */
export function createStorageActions(store: AppStore, bridge: Bridge, sync: PwaSync) {
  const changed = store.getState().pwaChanged;

  async function run(busy: string, action: () => Promise<void>): Promise<void> {
    changed({ busy, error: null });
    try {
      await action();
    } catch (error) {
      changed({ error: describeError(error) });
    } finally {
      changed({ busy: null });
      await sync.refreshStorage();
      await sync.refreshAvailability();
    }
  }

  /** True when `key` (or every key, for null) is the cache of the model now loaded. */
  function isLoadedModel(key: string | null): boolean {
    const { model, settings } = store.getState();
    const source = model.spec?.source;
    if (model.status !== 'ready' || source?.kind !== 'hub') return false;
    return key === null || hubCacheKey(source.id, source.host ?? settings.hubHost) === key;
  }

  return {
    /** The engine unloads the model first when it is the one being deleted; the store is told the same. */
    deleteModel(key: string): Promise<void> {
      return run(`Deleting ${key}`, async () => {
        const loaded = isLoadedModel(key);
        await bridge.engine.deleteCachedModel(key);
        if (loaded) store.getState().modelUnloaded(`${key} was deleted from this device and unloaded.`);
      });
    },

    clearAllModels(): Promise<void> {
      return run('Clearing all models', async () => {
        const loaded = isLoadedModel(null);
        await bridge.engine.clearCache();
        if (loaded) store.getState().modelUnloaded('Downloaded models were deleted; the model was unloaded.');
      });
    },

    /** Loads a picked folder; nothing goes to the network. Errors name the missing or invalid file. */
    loadFolder(folder: PickedFolder): Promise<void> {
      return run(`Loading ${folder.name}`, async () => {
        const outcome = await bridge.load(
          { source: { kind: 'files', name: folder.name, files: folder.files } },
          folder.name,
        );
        if (!outcome.ok && !outcome.cancelled) changed({ error: outcome.error });
      });
    },
  };
}
