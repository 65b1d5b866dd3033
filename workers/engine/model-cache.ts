import type { CachedModel } from '../protocol';
import { EngineError } from './errors';

/**
 * Cache Storage for model files from remote hosts, trusted only after checks:
 * an entry is written once its whole body arrived with the expected length
 * (and sha256, when the host gave one), and it is re-verified when read.
 */
export const MODEL_CACHE_NAME = 'typewriter-models-v1';
const SHA_HEADER = 'x-typewriter-sha256';
const SIZE_HEADER = 'x-typewriter-size';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `https://host/org/name/resolve/main/onnx/model.onnx` → repo key and file path. */
export function splitCacheUrl(url: string): { key: string; file: string } | null {
  const match = /^https?:\/\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(url);
  if (!match?.[1] || !match[2]) return null;
  return { key: match[1], file: decodeURIComponent(match[2]) };
}

function openCache(): Promise<Cache> | null {
  return typeof caches === 'undefined' ? null : caches.open(MODEL_CACHE_NAME);
}

export async function readVerified(url: string, file: string, offline: boolean): Promise<Uint8Array | null> {
  const cache = await openCache();
  const hit = await cache?.match(url);
  if (!cache || !hit) return null;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  const size = Number(hit.headers.get(SIZE_HEADER));
  const sha = hit.headers.get(SHA_HEADER);
  const sizeOk = bytes.byteLength === size;
  const shaOk = sizeOk && sha !== null && (await sha256Hex(bytes)) === sha;
  if (sizeOk && shaOk) return bytes;
  await cache.delete(url);
  const what = sizeOk ? 'its checksum does not match' : `it holds ${bytes.byteLength} of ${size} bytes`;
  const fix = offline
    ? 'You are offline: reconnect to the network, then load the model again to repair it.'
    : 'Load the model again to download a fresh copy.';
  throw new EngineError('IntegrityError', `The cached file ${file} is damaged (${what}) and was removed. ${fix}`);
}

export async function hasEntry(url: string): Promise<boolean> {
  const cache = await openCache();
  return Boolean(await cache?.match(url));
}

export async function commit(url: string, file: string, bytes: Uint8Array, contentType: string): Promise<void> {
  const cache = await openCache();
  if (!cache) return;
  const headers = new Headers({
    'content-type': contentType,
    'content-length': String(bytes.byteLength),
    [SIZE_HEADER]: String(bytes.byteLength),
    [SHA_HEADER]: await sha256Hex(bytes),
  });
  try {
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
  } catch (error) {
    await cache.delete(url).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new EngineError(
      'InsufficientStorage',
      `Could not store ${file} (${bytes.byteLength} bytes) for offline use: ${reason}. Free space in the model manager, then retry.`,
    );
  }
}

export async function listCachedModels(): Promise<CachedModel[]> {
  const cache = await openCache();
  if (!cache) return [];
  const models = new Map<string, CachedModel>();
  for (const request of await cache.keys()) {
    const parts = splitCacheUrl(request.url);
    if (!parts) continue;
    const response = await cache.match(request);
    const bytes = Number(response?.headers.get(SIZE_HEADER) ?? 0);
    const model = models.get(parts.key) ?? { key: parts.key, files: [], bytes: 0 };
    model.files.push({ file: parts.file, bytes });
    model.bytes += bytes;
    models.set(parts.key, model);
  }
  return [...models.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export async function deleteCachedModel(key: string): Promise<void> {
  const cache = await openCache();
  if (!cache) return;
  for (const request of await cache.keys()) {
    if (splitCacheUrl(request.url)?.key === key) await cache.delete(request);
  }
}

export async function clearModelCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(MODEL_CACHE_NAME);
}
