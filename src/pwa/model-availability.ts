import type { CachedModel, Dtype, ModelSource } from '../../workers/protocol';
import type { ModelAvailability } from './pwa-store';

/** Same table as the engine's (workers/engine/backend.ts): the ONNX file a dtype loads. */
const DTYPE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

const onnxFile = (dtype: Dtype | null) => (dtype ? `onnx/model${DTYPE_SUFFIX[dtype]}.onnx` : null);

/** The engine's cache key for a Hub repo: host and repo id, e.g. `huggingface.co/org/name`. */
export function hubCacheKey(id: string, host: string): string {
  return `${new URL(host).host}/${id.trim()}`;
}

/** A Hub model is offline-ready when its config and the ONNX file it loads are in the engine's cache. */
export function hubAvailability(models: readonly CachedModel[], key: string, dtype: Dtype | null): ModelAvailability {
  const files = new Set(models.find((m) => m.key === key)?.files.map((f) => f.file));
  const onnx = onnxFile(dtype);
  const hasOnnx = onnx ? files.has(onnx) : [...files].some((f) => f.startsWith('onnx/') && f.endsWith('.onnx'));
  return files.has('config.json') && hasOnnx ? 'cached' : 'not-cached';
}

/** A bundled (same-origin) model is offline-ready when the service worker precached its files. */
async function bundledAvailability(url: string, dtype: Dtype | null): Promise<ModelAvailability> {
  if (typeof caches === 'undefined') return 'not-cached';
  const folder = new URL(url.endsWith('/') ? url : `${url}/`, window.location.href);
  const wanted = ['config.json', onnxFile(dtype) ?? 'onnx/model.onnx'];
  for (const file of wanted) {
    if (!(await caches.match(new URL(file, folder).href, { ignoreSearch: true }))) return 'not-cached';
  }
  return 'bundled';
}

export async function availabilityOf(
  source: ModelSource | null,
  dtype: Dtype | null,
  hubHost: string,
  listCached: () => Promise<readonly CachedModel[]>,
): Promise<ModelAvailability> {
  if (!source) return 'none';
  if (source.kind === 'files') return 'on-disk';
  if (source.kind === 'url') return bundledAvailability(source.url, dtype);
  return hubAvailability(await listCached(), hubCacheKey(source.id, source.host ?? hubHost), dtype);
}
