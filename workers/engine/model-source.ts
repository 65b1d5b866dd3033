import { DEFAULT_HUB_HOST, isHubId } from '../../common/hub';
import type { Dtype, ModelSource } from '../protocol';
import { dtypesIn } from './backend';
import { EngineError } from './errors';
import type { FileSource, RepoFile } from './model-files';
import * as modelCache from './model-cache';

/** Picked folders are served from this host inside the worker; it is never contacted. */
const FILES_HOST = 'https://typewriter-local-files.invalid';
const TREE_FILE = '.typewriter-tree.json';

export interface ResolvedSource {
  /** What transformers.js is asked to load, with `remoteHost`/`remotePathTemplate` set to match. */
  modelId: string;
  remoteHost: string;
  remotePathTemplate: string;
  displayId: string;
  files: FileSource;
  available: Dtype[] | null;
}

interface TreeEntry {
  type: string;
  path: string;
  size: number;
  lfs?: { oid: string; size: number };
}

function parseTree(entries: TreeEntry[]): Map<string, RepoFile> {
  const tree = new Map<string, RepoFile>();
  for (const e of entries) {
    if (e.type !== 'file' || typeof e.path !== 'string') continue;
    tree.set(e.path, { path: e.path, size: e.lfs?.size ?? e.size, sha256: e.lfs?.oid ?? null });
  }
  return tree;
}

/**
 * The Hub's file list with sizes and LFS sha256s, cache first: a model that is
 * fully cached must load with no request at all.
 */
async function loadTree(
  host: string,
  id: string,
  revision: string,
  signal: AbortSignal,
): Promise<Map<string, RepoFile> | null> {
  const cacheUrl = `${host}/${id}/resolve/${revision}/${TREE_FILE}`;
  const offline = navigator.onLine === false;
  const cached = await modelCache.readVerified(cacheUrl, TREE_FILE, offline).catch(() => null);
  if (cached) return parseTree(JSON.parse(new TextDecoder().decode(cached)) as TreeEntry[]);
  let response: Response;
  try {
    response = await fetch(`${host}/api/models/${id}/tree/${encodeURIComponent(revision)}?recursive=true`, { signal });
  } catch {
    if (signal.aborted) throw new EngineError('LoadCancelled', `Loading ${id} was cancelled.`);
    // Offline or unreachable: the files themselves may still be cached.
    return null;
  }
  if (response.status === 404 || response.status === 401) {
    throw new EngineError(
      'ModelFileMissing',
      `${id} was not found on ${new URL(host).host} (status ${response.status}). Check the model id; private and gated models are not supported.`,
    );
  }
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return null;
  const bytes = new Uint8Array(await response.arrayBuffer());
  let entries: TreeEntry[];
  try {
    entries = JSON.parse(new TextDecoder().decode(bytes)) as TreeEntry[];
    if (!Array.isArray(entries)) return null;
  } catch {
    return null;
  }
  await modelCache.commit(cacheUrl, TREE_FILE, bytes, 'application/json').catch(() => undefined);
  return parseTree(entries);
}

export async function resolveSource(source: ModelSource, signal: AbortSignal): Promise<ResolvedSource> {
  if (source.kind === 'hub') {
    const id = source.id.trim();
    if (!isHubId(id)) {
      throw new EngineError(
        'InvalidParams',
        `"${source.id}" is not a Hub model id. Use the form org/name, e.g. HuggingFaceTB/SmolLM2-135M-Instruct.`,
      );
    }
    const host = (source.host ?? DEFAULT_HUB_HOST).replace(/\/+$/, '');
    const revision = source.revision ?? 'main';
    const tree = await loadTree(host, id, revision, signal);
    return {
      modelId: id,
      remoteHost: `${host}/`,
      remotePathTemplate: '{model}/resolve/{revision}/',
      displayId: id,
      files: { baseUrl: `${host}/${id}/resolve/${encodeURIComponent(revision)}/`, blobs: null, cacheable: true, tree },
      available: tree ? dtypesIn(tree.keys()) : null,
    };
  }
  if (source.kind === 'url') {
    const folder = new URL(source.url.endsWith('/') ? source.url : `${source.url}/`, self.location.href);
    const name = folder.pathname.split('/').filter(Boolean).at(-1) ?? 'model';
    const parent = new URL('..', folder).href;
    return {
      modelId: name,
      remoteHost: parent,
      remotePathTemplate: '{model}/',
      displayId: folder.pathname,
      files: { baseUrl: folder.href, blobs: null, cacheable: false, tree: null },
      available: null,
    };
  }
  if (source.kind === 'remote') {
    throw new EngineError(
      'InvalidParams',
      `${source.model} on ${source.baseUrl} is a remote server's model: the page streams from it (backend "remote"), the engine worker cannot load it.`,
    );
  }
  const blobs = new Map(source.files.map((f) => [f.path.replace(/^\/+/, ''), f.blob]));
  const name = source.name.replace(/[^\w.-]+/g, '-') || 'folder';
  for (const required of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    if (!blobs.has(required)) {
      throw new EngineError(
        'ModelFileMissing',
        `The folder "${source.name}" has no ${required}. Pick a folder in Hub layout (config.json, tokenizer files, onnx/).`,
      );
    }
  }
  const available = dtypesIn(blobs.keys());
  if (available.length === 0) {
    throw new EngineError(
      'ModelFileMissing',
      `The folder "${source.name}" has no onnx/model*.onnx file. Pick a folder with an onnx/ subfolder.`,
    );
  }
  return {
    modelId: `local/${name}`,
    remoteHost: `${FILES_HOST}/`,
    remotePathTemplate: '{model}/',
    displayId: source.name,
    files: { baseUrl: `${FILES_HOST}/local/${name}/`, blobs, cacheable: false, tree: null },
    available,
  };
}
