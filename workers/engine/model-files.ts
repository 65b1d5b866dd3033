import type { FileProgress } from '../protocol';
import { EngineError } from './errors';
import * as modelCache from './model-cache';

/**
 * The one door through which transformers.js reads model files (`env.fetch`).
 * It validates every body (length, sha256, not an HTML page), reports
 * per-file progress, honours cancellation, and keeps remote files in the
 * integrity-checked cache so they load offline.
 */

export interface RepoFile {
  path: string;
  size: number;
  sha256: string | null;
}

export interface FileSource {
  /** Base URL that transformers.js appends file names to. */
  baseUrl: string;
  /** Files picked from disk, by path; when set, nothing goes to the network. */
  blobs: Map<string, Blob> | null;
  /** Remote files are cached for offline use; same-origin ones are the service worker's job. */
  cacheable: boolean;
  /** Known file list (from the Hub tree API or the picked folder); unknown files are a 404 without a request. */
  tree: Map<string, RepoFile> | null;
  /**
   * Set when storing a file failed mid-model (QuotaExceededError): the files already stored were removed, so
   * no partial model stays cached, and the rest of this load runs uncached. The load reports it as a notice.
   */
  uncached?: string;
}

export interface FetchHooks {
  signal: AbortSignal;
  onProgress(progress: FileProgress): void;
}

const HTML_SNIFF = /^\s*<(!doctype|html|head|body)/i;

function fileOf(url: string, source: FileSource): string | null {
  if (!url.startsWith(source.baseUrl)) return null;
  return decodeURIComponent(url.slice(source.baseUrl.length).split('?')[0] ?? '');
}

function notFound(): Response {
  return new Response(null, { status: 404, statusText: 'Not Found' });
}

function bytesResponse(bytes: Uint8Array, contentType = 'application/octet-stream'): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { 'content-type': contentType, 'content-length': String(bytes.byteLength) },
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A sha256 from an ETag, as the Hub gives for LFS files. */
export function sha256FromEtag(etag: string | null): string | null {
  const value = etag?.replace(/^W\//, '').replaceAll('"', '').trim().toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : null;
}

/** A JSON file that does not parse would fail later inside transformers.js without its name; fail here with it. */
function assertJson(file: string, bytes: Uint8Array, where: string): void {
  if (!file.endsWith('.json')) return;
  try {
    JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new EngineError(
      'NotAModelFile',
      `${file} ${where} is not valid JSON (${error instanceof Error ? error.message : String(error)}). Replace the file; nothing was cached.`,
    );
  }
}

async function readBody(
  response: Response,
  file: string,
  expected: number | null,
  hooks: FetchHooks,
): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  let buffer = new Uint8Array(expected ?? 1 << 16);
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.max(buffer.byteLength * 2, loaded + value.byteLength));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.byteLength;
    hooks.onProgress({ file, loaded, total: expected, fromCache: false, done: false });
  }
  return buffer.byteLength === loaded ? buffer : buffer.slice(0, loaded);
}

async function download(url: string, file: string, source: FileSource, hooks: FetchHooks): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: hooks.signal });
  } catch (error) {
    throw fetchFailure(error, url, file, hooks.signal);
  }
  if (response.status === 401 || response.status === 403 || response.status === 404) return response;
  if (!response.ok) {
    throw new EngineError(
      'NetworkError',
      `${hostOf(url)} answered ${response.status} ${response.statusText} for ${file}. Retry later.`,
    );
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('text/html')) {
    await response.body?.cancel();
    throw new EngineError(
      'NotAModelFile',
      `${file} from ${hostOf(url)} is an HTML page, not a model file. Check the model id and the host; nothing was cached.`,
    );
  }
  const known = source.tree?.get(file);
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const headerLength = encoded ? null : Number(response.headers.get('content-length') ?? NaN);
  const expected = known?.size ?? (Number.isFinite(headerLength) ? headerLength : null);
  let bytes: Uint8Array;
  try {
    bytes = await readBody(response, file, expected, hooks);
  } catch (error) {
    if (hooks.signal.aborted)
      throw new EngineError('LoadCancelled', `Loading was cancelled while downloading ${file}.`);
    throw new EngineError(
      'NetworkError',
      `The download of ${file} broke off: ${error instanceof Error ? error.message : String(error)}. Nothing was cached; retry to download it again.`,
    );
  }
  // Before the length check: an HTML page served as octet-stream is the wrong file, not a cut-off download.
  if (HTML_SNIFF.test(new TextDecoder().decode(bytes.subarray(0, 64)))) {
    throw new EngineError(
      'NotAModelFile',
      `${file} from ${hostOf(url)} is an HTML page, not a model file. Check the model id and the host; nothing was cached.`,
    );
  }
  if (expected !== null && bytes.byteLength !== expected) {
    throw new EngineError(
      'NetworkError',
      `The download of ${file} was cut off at ${bytes.byteLength} of ${expected} bytes. Nothing was cached; retry to download it again.`,
    );
  }
  assertJson(file, bytes, `from ${hostOf(url)}`);
  const sha = known?.sha256 ?? sha256FromEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
  if (sha && (await modelCache.sha256Hex(bytes)) !== sha) {
    throw new EngineError(
      'IntegrityError',
      `${file} from ${hostOf(url)} does not match its published sha256. Nothing was cached; retry, and if it persists the host is serving a different file.`,
    );
  }
  if (source.cacheable && !source.uncached) await commitOrGoUncached(url, file, bytes, contentType, source);
  hooks.onProgress({ file, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: false, done: true });
  return bytesResponse(bytes, contentType || undefined);
}

/** Stores a file; when storage is full, removes what this model already stored and carries on uncached. */
async function commitOrGoUncached(
  url: string,
  file: string,
  bytes: Uint8Array,
  contentType: string,
  source: FileSource,
): Promise<void> {
  try {
    await modelCache.commit(url, file, bytes, contentType || 'application/octet-stream');
  } catch (error) {
    const key = modelCache.splitCacheUrl(url)?.key;
    if (key) await modelCache.deleteCachedModel(key).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    source.uncached = `${file} could not be stored for offline use (${reason}), so this model runs without the offline copy and nothing of it stays cached. Free space in the model manager, then load it again to store it.`;
  }
}

/** A probe for size only (transformers.js sends `Range: bytes=0-0`); answered from what is known when possible. */
async function probe(url: string, file: string, source: FileSource, hooks: FetchHooks): Promise<Response> {
  const known = source.tree?.get(file);
  if (source.tree && !known) return notFound();
  if (known) {
    return new Response(null, {
      status: 206,
      headers: { 'content-range': `bytes 0-0/${known.size}`, 'content-length': '1' },
    });
  }
  if (source.cacheable && !source.uncached && (await modelCache.hasEntry(url)))
    return new Response(null, { status: 206 });
  try {
    return await fetch(url, { headers: { Range: 'bytes=0-0' }, signal: hooks.signal });
  } catch (error) {
    throw fetchFailure(error, url, file, hooks.signal);
  }
}

/** A fetch that threw: cancelled by the user, or the host could not be reached. */
function fetchFailure(error: unknown, url: string, file: string, signal: AbortSignal): EngineError {
  if (signal.aborted) return new EngineError('LoadCancelled', `Loading was cancelled while fetching ${file}.`);
  const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
  return new EngineError(
    'NetworkError',
    `Could not download ${file} from ${hostOf(url)}${offline ? ' (you are offline)' : ''}: ${
      error instanceof Error ? error.message : String(error)
    }. Check the connection, then retry.`,
  );
}

export function createModelFetch(source: FileSource, hooks: FetchHooks) {
  return async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const file = fileOf(url, source);
    if (file === null) return fetch(input, init);
    if (hooks.signal.aborted) throw new EngineError('LoadCancelled', `Loading was cancelled before ${file}.`);

    if (source.blobs) {
      const blob = source.blobs.get(file);
      if (!blob) return notFound();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      assertJson(file, bytes, 'in the picked folder');
      hooks.onProgress({ file, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: true, done: true });
      return bytesResponse(bytes);
    }
    if (new Headers(init?.headers).has('Range')) return probe(url, file, source, hooks);
    if (source.tree && !source.tree.has(file)) return notFound();
    if (source.cacheable && !source.uncached) {
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      // A damaged copy found while online is removed and downloaded again, once, without bothering the user.
      const cached = await modelCache.readVerified(url, file, offline).catch((error: unknown) => {
        if (offline || !(error instanceof EngineError) || error.name !== 'IntegrityError') throw error;
        return null;
      });
      if (cached) {
        hooks.onProgress({ file, loaded: cached.byteLength, total: cached.byteLength, fromCache: true, done: true });
        return bytesResponse(cached);
      }
    }
    return download(url, file, source, hooks);
  };
}
