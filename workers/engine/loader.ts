import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { LocalBackend, Dtype, LoadProgress, LoadResult, ModelSpec, Q4RewriteInfo } from '../protocol';
import {
  adapterBufferLimit,
  checkExplicitDtype,
  chooseDtype,
  largestTensorBytes,
  type DeviceCaps,
} from '../../common/dtype-policy';
import { chooseBackend, chooseThreads, DTYPE_SUFFIX, weightBytesIn } from './backend';
import { isOutOfMemory, outOfMemoryError } from './out-of-memory';
import { EngineError, isEngineError } from './errors';
import { deleteCachedModel, splitCacheUrl } from './model-cache';
import { createModelFetch } from './model-files';
import { resolveSource, type ResolvedSource } from './model-source';
import { checkQuota } from './storage-quota';
import { runWarmup } from './forward';
import { GPU_LOST_REASON } from './gpu-loss';
import { warmUpDecode } from './warmup';
import { ProgressTracker } from './progress-tracker';
import type { DenseType } from './q4-rewrite/dequantize';
import { rewritingFetch } from './q4-rewrite/rewriting-fetch';

export interface LoadedModel {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
  info: LoadResult & { backend: LocalBackend; dtype: Dtype };
  eosTokenIds: Set<number>;
  /** The model's key in the offline cache, for remote models. */
  cacheKey: string | null;
}

let runtimeThreads: number | null = null;

/** ORT reads these once, before its first session; later loads reuse them. */
function configureRuntime(threads: number): number {
  if (runtimeThreads !== null) return runtimeThreads;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    // Self-hosted runtime: by default ORT would fetch it from a CDN, which breaks offline use and privacy.
    wasm.wasmPaths = {
      mjs: new URL(ortMjsUrl, self.location.href).href,
      wasm: new URL(ortWasmUrl, self.location.href).href,
    };
    wasm.numThreads = threads;
  }
  env.useBrowserCache = false;
  env.useWasmCache = false;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  runtimeThreads = threads;
  return threads;
}

function numberFrom(config: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const v = config[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

function eosIds(model: PreTrainedModel, tokenizer: PreTrainedTokenizer): Set<number> {
  const ids = new Set<number>();
  const add = (v: unknown) => {
    if (typeof v === 'number') ids.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  add((model.config as unknown as Record<string, unknown>).eos_token_id);
  add((model.generation_config as unknown as Record<string, unknown> | null)?.eos_token_id);
  const eos = (tokenizer as unknown as { eos_token_id?: number }).eos_token_id;
  add(eos);
  return ids;
}

function mapLoadError(
  error: unknown,
  resolved: ResolvedSource,
  onnxFile: string,
  backend: LocalBackend,
  dtype: string,
): EngineError {
  if (isEngineError(error)) return error;
  if (isOutOfMemory(error)) return outOfMemoryError(backend, 'loading', resolved.displayId, dtype);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'ModelFileNotFoundError' || /Could not locate file/.test(message)) {
    const url = /"([^"]+)"/.exec(message)?.[1] ?? '';
    const file = url.startsWith(resolved.files.baseUrl)
      ? url.slice(resolved.files.baseUrl.length)
      : url || 'a required file';
    return new EngineError(
      'ModelFileMissing',
      `${resolved.displayId} has no ${file}. Check the model id and that it has an ONNX export in Hub layout.`,
    );
  }
  if (/JSON|Unexpected token/.test(message)) {
    return new EngineError(
      'ModelLoadError',
      `A JSON file of ${resolved.displayId} is not valid JSON (${message}). Check config.json and the tokenizer files.`,
    );
  }
  const where = /onnx|session|protobuf|graph/i.test(message) ? onnxFile : resolved.displayId;
  return new EngineError('ModelLoadError', `${where} could not be loaded: ${message}`);
}

/**
 * transformers.js treats a missing tokenizer_config.json as "no tokenizer" and
 * then fails far from the cause, so required files are checked up front (a
 * one-byte probe, answered from the file list or cache when known).
 */
async function requireFiles(resolved: ResolvedSource, files: string[]): Promise<void> {
  for (const file of files) {
    const response = (await env.fetch(resolved.files.baseUrl + file, { headers: { Range: 'bytes=0-0' } })) as Response;
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 404 || response.status === 401 || response.status === 403) {
      throw new EngineError(
        'ModelFileMissing',
        `${resolved.displayId} has no ${file} (status ${response.status}). A model needs config.json, tokenizer.json, tokenizer_config.json and ${files.at(-1)} in Hub layout.`,
      );
    }
  }
}

async function readLargestTensors(
  resolved: ResolvedSource,
  signal: AbortSignal,
): Promise<Partial<Record<Dtype, number>>> {
  try {
    const read = createModelFetch(resolved.files, { signal, onProgress: () => undefined });
    const response = await read(resolved.files.baseUrl + 'config.json');
    if (!response.ok) return {};
    return largestTensorBytes((await response.json()) as Record<string, unknown>);
  } catch {
    // transformers.js reads config.json next and names whatever is wrong with it.
    return {};
  }
}

async function loadOn(
  backend: LocalBackend,
  dtype: Dtype,
  resolved: ResolvedSource,
  tracker: ProgressTracker,
  signal: AbortSignal,
  steps: { tokenizer: number; session: number } | undefined,
  rewrite: { dense: DenseType | 'auto'; onDone: (info: Q4RewriteInfo) => void } | null,
  beforeWeights: () => Promise<void>,
): Promise<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }> {
  env.remoteHost = resolved.remoteHost;
  env.remotePathTemplate = resolved.remotePathTemplate;
  const onnxFile = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
  const files = createModelFetch(resolved.files, { signal, onProgress: (p) => tracker.file(p) });
  env.fetch = rewrite ? rewritingFetch(files, resolved.files.baseUrl + onnxFile, rewrite.dense, rewrite.onDone) : files;
  await requireFiles(resolved, ['config.json', 'tokenizer_config.json', 'tokenizer.json', onnxFile]);
  try {
    const t0 = performance.now();
    const tokenizer = await AutoTokenizer.from_pretrained(resolved.modelId);
    // Cancelled while the tokenizer loaded: stop before the model loaded before is unloaded.
    if (signal.aborted) throw new EngineError('LoadCancelled', `Loading ${resolved.displayId} was cancelled.`);
    await beforeWeights();
    const t1 = performance.now();
    const model = await AutoModelForCausalLM.from_pretrained(resolved.modelId, { device: backend, dtype });
    if (steps) {
      steps.tokenizer += t1 - t0;
      steps.session += performance.now() - t1;
    }
    return { model, tokenizer };
  } catch (error) {
    if (signal.aborted) throw new EngineError('LoadCancelled', `Loading ${resolved.displayId} was cancelled.`);
    throw mapLoadError(error, resolved, onnxFile, backend, dtype);
  }
}

/**
 * `beforeWeights` runs once, when everything that can be checked without the weights has passed (the
 * source resolves, the backend and dtype are decided, the quota holds, every required file is there and
 * the tokenizer loads) and before the first weight byte is fetched: the engine unloads the model before
 * this one there, so a load that fails earlier leaves that model in place.
 */
export async function loadModel(
  spec: ModelSpec,
  signal: AbortSignal,
  onProgress: (progress: LoadProgress) => void,
  beforeWeights: () => Promise<void> = async () => {},
): Promise<LoadedModel> {
  const started = performance.now();
  let committed: Promise<void> | null = null;
  const commit = () => (committed ??= beforeWeights());
  const resolved = await resolveSource(spec.source, signal);
  const choice = spec.gpuLost
    ? { backend: 'wasm' as const, reason: GPU_LOST_REASON, adapter: null }
    : await chooseBackend(spec.backend ?? 'auto');
  if (spec.backend === 'webgpu' && !spec.gpuLost && choice.backend !== 'webgpu') {
    throw new EngineError(
      'WebGpuUnavailable',
      `WebGPU was requested but ${choice.reason}. Choose Auto or WASM to run on the CPU.`,
    );
  }
  const available = spec.dtypes ? [...spec.dtypes] : resolved.available;
  const weightBytes = weightBytesIn([...(resolved.files.tree?.values() ?? [])].map((f) => [f.path, f.size] as const));
  // On WebGPU one weight tensor must fit one GPU buffer: config.json (read through the same validating,
  // caching fetch transformers.js uses next) gives the embedding's size before any weight is fetched.
  const maxBufferBytes = choice.adapter ? adapterBufferLimit(choice.adapter) : undefined;
  const largestTensor =
    choice.backend === 'webgpu' && maxBufferBytes !== undefined ? await readLargestTensors(resolved, signal) : {};
  // Decided before the first weight byte is fetched: a file that cannot run is never downloaded.
  const pickDtype = (backend: LocalBackend): { dtype: Dtype; reason: string } => {
    const caps: DeviceCaps =
      backend === 'webgpu'
        ? { backend, shaderF16: choice.adapter?.shaderF16 ?? false, maxBufferBytes, largestTensor }
        : { backend, shaderF16: false };
    const decision =
      spec.dtype && spec.dtype !== 'auto'
        ? checkExplicitDtype(spec.dtype, caps, weightBytes[spec.dtype])
        : available
          ? chooseDtype(available, caps, weightBytes)
          : { ok: true as const, dtype: backend === 'wasm' ? ('q8' as const) : ('fp32' as const), reason: 'default' };
    if (decision.ok) return decision;
    throw new EngineError(
      decision.kind === 'unsupported' ? 'UnsupportedDtype' : 'ModelTooLarge',
      `${resolved.displayId}: ${decision.reason}. Nothing was downloaded.`,
    );
  };
  const steps = { resolve: performance.now() - started, tokenizer: 0, session: 0, warmup: 0 };
  const { threads, reason: threadsReason } = chooseThreads(spec.threads);
  const actualThreads = configureRuntime(threads);

  let backend = choice.backend;
  let { dtype, reason: dtypeReason } = pickDtype(backend);
  const expected = await checkQuota(resolved, dtype, spec.expectedBytes);
  const tracker = new ProgressTracker(onProgress, expected);
  tracker.setPhase('download');

  // q4 on WASM: unpack the 4-bit weights once at load (ORT's WASM build would unpack them on every call).
  let q4Rewrite: Q4RewriteInfo | undefined;
  const rewriteFor = (onBackend: LocalBackend, form: Dtype) => {
    const mode = spec.q4Rewrite ?? 'auto';
    if (onBackend !== 'wasm' || (form !== 'q4' && form !== 'q4f16') || mode === 'off') return null;
    q4Rewrite = undefined;
    return { dense: mode, onDone: (info: Q4RewriteInfo) => (q4Rewrite = info) };
  };

  let reason = choice.reason;
  let fellBack = false;
  let loaded: { model: PreTrainedModel; tokenizer: PreTrainedTokenizer };
  let first: typeof loaded | null = null;
  try {
    first = await loadOn(backend, dtype, resolved, tracker, signal, steps, rewriteFor(backend, dtype), commit);
    tracker.setPhase(backend === 'webgpu' ? 'compile' : 'warmup');
    const firstRun = performance.now();
    await runWarmup(first.model);
    steps.warmup += performance.now() - firstRun;
    loaded = first;
  } catch (error) {
    // A session that loaded but failed its warm-up still holds its GPU or WASM memory: free it before a retry.
    await first?.model.dispose().catch(() => undefined);
    if (isOutOfMemory(error)) throw outOfMemoryError(backend, 'loading', resolved.displayId, dtype);
    if (backend !== 'webgpu' || signal.aborted || (isEngineError(error) && error.name !== 'ModelLoadError'))
      throw error;
    // WebGPU session creation or the first run failed: the same model still runs on WASM.
    const why = error instanceof Error ? error.message : String(error);
    backend = 'wasm';
    ({ dtype, reason: dtypeReason } = pickDtype('wasm'));
    reason = `WebGPU failed (${why.slice(0, 200)}), fell back to WASM`;
    fellBack = true;
    loaded = await loadOn(backend, dtype, resolved, tracker, signal, steps, rewriteFor(backend, dtype), commit);
    tracker.setPhase('warmup');
    await runWarmup(loaded.model);
  }
  // Decode passes until the per-pass time settles: the first answer then runs at steady speed.
  tracker.setPhase('warmup');
  const warmup = await warmUpDecode(loaded.model, loaded.tokenizer, signal);
  steps.warmup += warmup.ms;
  if (signal.aborted) {
    await loaded.model.dispose();
    throw new EngineError('LoadCancelled', `Loading ${resolved.displayId} was cancelled.`);
  }

  const config = loaded.model.config as unknown as Record<string, unknown>;
  const tokenizerMax = (loaded.tokenizer as unknown as { model_max_length?: number }).model_max_length;
  const contextLength =
    numberFrom(config, 'max_position_embeddings', 'n_positions', 'max_sequence_length') ??
    (tokenizerMax && Number.isFinite(tokenizerMax) ? tokenizerMax : 2048);
  const typewriter = config.typewriter as { randomWeights?: boolean } | undefined;
  const rewrite = q4Rewrite as Q4RewriteInfo | undefined;
  if (rewrite && rewrite.nodes > 0) dtypeReason += ` · 4-bit weights unpacked to ${rewrite.dense} at load`;
  const info: LoadResult & { backend: LocalBackend; dtype: Dtype } = {
    modelId: resolved.displayId,
    backend,
    backendReason: reason,
    fellBack,
    dtype,
    dtypeReason,
    threads: backend === 'wasm' ? actualThreads : 0,
    threadsReason: backend === 'wasm' ? threadsReason : 'WebGPU runs on the GPU',
    contextLength,
    vocabSize: numberFrom(config, 'vocab_size') ?? 0,
    adapter: choice.adapter,
    randomWeights: typewriter?.randomWeights === true,
    bytes: tracker.bytes,
    fromCache: tracker.fromCache,
    loadMs: performance.now() - started,
    warmup: {
      passes: warmup.passes,
      ms: warmup.ms,
      firstPassMs: warmup.firstWindowMs,
      lastPassMs: warmup.lastWindowMs,
      bestPassMs: warmup.bestWindowMs,
    },
    stepsMs: steps,
    files: tracker.fileNames,
    ...(resolved.files.uncached && { notice: resolved.files.uncached }),
    ...(rewrite && { q4Rewrite: rewrite }),
  };
  tracker.setPhase('ready');
  const cacheKey = resolved.files.cacheable ? (splitCacheUrl(`${resolved.files.baseUrl}x`)?.key ?? null) : null;
  // Files fetched alongside the one that did not fit may have been stored after it failed: none of them stays.
  if (resolved.files.uncached && cacheKey) await deleteCachedModel(cacheKey).catch(() => undefined);
  return { ...loaded, info, eosTokenIds: eosIds(loaded.model, loaded.tokenizer), cacheKey };
}
