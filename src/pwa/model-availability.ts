import { hubCacheKey } from '../../common/hub';
import type { CachedModel, ModelSource } from '../../workers/protocol';
import type { ModelAvailability } from '../state/pwa-slice';

export { hubCacheKey };

/** A Hub model is offline-ready when every file its load read is in the engine's cache. */
export function hubAvailability(
  models: readonly CachedModel[],
  key: string,
  files: readonly string[],
): ModelAvailability {
  const cached = new Set(models.find((m) => m.key === key)?.files.map((f) => f.file));
  return files.length > 0 && files.every((f) => cached.has(f)) ? 'cached' : 'not-cached';
}

/** A bundled (same-origin) model is offline-ready when the service worker precached the files its load read. */
async function bundledAvailability(url: string, files: readonly string[]): Promise<ModelAvailability> {
  if (typeof caches === 'undefined' || files.length === 0) return 'not-cached';
  const folder = new URL(url.endsWith('/') ? url : `${url}/`, window.location.href);
  for (const file of files) {
    if (!(await caches.match(new URL(file, folder).href, { ignoreSearch: true }))) return 'not-cached';
  }
  return 'bundled';
}

export async function availabilityOf(
  source: ModelSource | null,
  files: readonly string[],
  hubHost: string,
  listCached: () => Promise<readonly CachedModel[]>,
): Promise<ModelAvailability> {
  if (!source) return 'none';
  if (source.kind === 'files') return 'on-disk';
  if (source.kind === 'url') return bundledAvailability(source.url, files);
  // A remote server's model is not in this browser at all: offline, it cannot answer.
  if (source.kind === 'remote') return 'not-cached';
  return hubAvailability(await listCached(), hubCacheKey(source.id, source.host ?? hubHost), files);
}
