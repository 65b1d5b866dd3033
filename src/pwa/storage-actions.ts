import { describeError } from '../state/errors-slice';
import { appStore } from '../state/store';
import { bridge, engine } from './engine-access';
import type { PickedFolder } from './folder-files';
import { hubCacheKey } from './model-availability';
import { pwaStore } from './pwa-store';
import { refreshAvailability, refreshStorage } from './pwa-sync';

async function run(busy: string, action: () => Promise<void>): Promise<void> {
  pwaStore.setState({ busy, error: null });
  try {
    await action();
  } catch (error) {
    pwaStore.setState({ error: describeError(error) });
  } finally {
    pwaStore.setState({ busy: null });
    await refreshStorage();
    await refreshAvailability();
  }
}

/** True when `key` (or every key, for null) is the cache of the model now loaded. */
function isLoadedModel(key: string | null): boolean {
  const { model, settings } = appStore.getState();
  const source = model.spec?.source;
  if (model.status !== 'ready' || source?.kind !== 'hub') return false;
  return key === null || hubCacheKey(source.id, source.host ?? settings.hubHost) === key;
}

/** The engine unloads the model first when it is the one being deleted; the store is told the same. */
export function deleteModel(key: string): Promise<void> {
  return run(`Deleting ${key}`, async () => {
    const loaded = isLoadedModel(key);
    await engine().deleteCachedModel(key);
    if (loaded) appStore.getState().modelUnloaded(`${key} was deleted from this device and unloaded.`);
  });
}

export function clearAllModels(): Promise<void> {
  return run('Clearing all models', async () => {
    const loaded = isLoadedModel(null);
    await engine().clearCache();
    if (loaded) appStore.getState().modelUnloaded('Downloaded models were deleted; the model was unloaded.');
  });
}

/** Loads a picked folder; nothing goes to the network. Errors name the missing or invalid file. */
export function loadFolder(folder: PickedFolder): Promise<void> {
  return run(`Loading ${folder.name}`, async () => {
    const result = await bridge().load(
      { source: { kind: 'files', name: folder.name, files: folder.files } },
      folder.name,
    );
    if (!result) {
      const banner = appStore.getState().errors.banner;
      if (banner) pwaStore.setState({ error: { name: banner.name, message: banner.message } });
    }
  });
}
