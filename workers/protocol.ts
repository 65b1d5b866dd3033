/**
 * The engine's public contract: everything that crosses the worker boundary.
 * `src/` imports this file for types only, so it must stay free of runtime code
 * and of DOM- or worker-only globals (it is type-checked under both libs).
 */

/** Where the worker runs a model. */
export type LocalBackend = 'webgpu' | 'wasm';
/** `remote`: an OpenAI-compatible server the page streams from (src/engine/remote/); never the worker. */
export type Backend = LocalBackend | 'remote';
export type BackendPreference = 'auto' | LocalBackend;
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** Where a model's files come from. All three use the Hub's file layout. */
export type ModelSource =
  /** A Hub repo id such as `HuggingFaceTB/SmolLM2-135M-Instruct`, fetched from `host` (default the Hugging Face Hub). */
  | { kind: 'hub'; id: string; revision?: string; host?: string }
  /** A folder URL in Hub layout, e.g. `/models/demo/` for the bundled model. */
  | { kind: 'url'; url: string }
  /** Files picked from disk; `path` is relative to the model folder (`onnx/model.onnx`). */
  | { kind: 'files'; name: string; files: readonly { path: string; blob: Blob }[] }
  /**
   * An OpenAI-compatible server (`baseUrl` ends at `/v1`): the page's RemoteEngine streams from it, the worker
   * refuses it. The API key is not part of the spec (specs reach the store, logs and Retry buttons): the engine
   * asks for it when it sends.
   */
  | { kind: 'remote'; baseUrl: string; model: string };

export interface ModelSpec {
  source: ModelSource;
  backend?: BackendPreference;
  /** `auto` picks per backend from `dtypes`, or from the files that exist. */
  dtype?: Dtype | 'auto';
  /** The dtypes this model ships, best first; lets `auto` skip probing the host. */
  dtypes?: readonly Dtype[];
  /** WASM threads; defaults to a count that fits the machine when cross-origin isolated, else 1. */
  threads?: number;
  /** Bytes the download will need, if known (catalog size); checked against the storage quota first. */
  expectedBytes?: number;
  /**
   * The GPU device was lost earlier in this page session: load on WASM whatever `backend` says (Chromium blocks
   * WebGPU for a site after repeated losses). The page sets it on every load after a loss.
   */
  gpuLost?: boolean;
  /**
   * q4 files on WASM: ONNX Runtime's WASM build has no 4-bit kernel, so it dequantizes every MatMulNBits weight
   * on every call. The engine rewrites those nodes once, at load, into MatMul over dense weights: `fp32` is
   * bit-exact with ORT's own dequantization and the fastest, `fp16` takes half its memory, `auto` (the default)
   * takes fp32 where the unpacked model fits (< 1.9 GiB) and fp16 otherwise; `off` loads the file as shipped. The
   * cached file is never changed. WebGPU has a 4-bit kernel: nothing is rewritten there.
   */
  q4Rewrite?: Q4RewriteMode;
}

export type Q4RewriteMode = 'auto' | 'fp16' | 'fp32' | 'off';

/** What the q4 rewrite did at load (LoadResult.q4Rewrite). */
export interface Q4RewriteInfo {
  dense: 'fp16' | 'fp32';
  /** MatMulNBits nodes rewritten into MatMul. */
  nodes: number;
  /** Nodes left as shipped, each with why. */
  kept: string[];
  /** Bytes of dense weights added, and of packed weights and scales removed. */
  denseBytes: number;
  packedBytes: number;
  /** Time spent rewriting, ms (part of stepsMs.session). */
  ms: number;
}

export type LoadPhase = 'download' | 'cache' | 'compile' | 'warmup' | 'ready';

export interface FileProgress {
  file: string;
  loaded: number;
  /** null when the host sent no length. */
  total: number | null;
  fromCache: boolean;
  done: boolean;
}

export interface LoadProgress {
  phase: LoadPhase;
  files: FileProgress[];
  loaded: number;
  total: number | null;
  /** Milliseconds since `load()` was called. */
  elapsedMs: number;
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  shaderF16: boolean;
  /** The adapter's `limits.maxBufferSize` and `limits.maxStorageBufferBindingSize` (bytes): one weight tensor must fit both. */
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

export interface LoadResult {
  modelId: string;
  backend: Backend;
  /** Human-readable: why this backend, e.g. "no WebGPU adapter". */
  backendReason: string;
  /** True when WebGPU was chosen but failed and the engine fell back to WASM. */
  fellBack: boolean;
  /** `server` on the remote backend: the server picks the precision. */
  dtype: Dtype | 'server';
  /** Why this dtype, e.g. "q8 · fastest on this CPU for this model (measured)". */
  dtypeReason: string;
  threads: number;
  threadsReason: string;
  contextLength: number;
  vocabSize: number;
  adapter: AdapterInfo | null;
  /** Set by generated test models (config.json `typewriter.randomWeights`). */
  randomWeights: boolean;
  bytes: number;
  fromCache: boolean;
  loadMs: number;
  /** The decode warm-up inside `loadMs` (passes run until their time settled), so the first answer is not the slowest. */
  warmup?: {
    passes: number;
    ms: number;
    firstPassMs: number;
    lastPassMs: number;
    /** The fastest window's median ms per pass: the settled speed the warm-up answers wait for. */
    bestPassMs?: number;
    /** Discarded answers through the request path, and the tokens each decoded (see warmup-answers.ts). */
    answers?: number;
    answerTokens?: number;
    /** Forward ms per pass of the last warm-up answer, and the fastest any of them ran. */
    answerPassMs?: { last: number; fastest: number };
  };
  /**
   * Where `loadMs` went, ms: finding the files and the backend, the tokenizer, the model (its files
   * read and the ORT session created, the runtime instantiated on a worker's first load), the warm-up.
   */
  stepsMs?: { resolve: number; tokenizer: number; session: number; warmup: number };
  /** The files this load read, relative to the model folder (e.g. `onnx/model_q4.onnx`). */
  files: string[];
  /** Something the user should know about a load that worked, e.g. it could not be stored for offline use. */
  notice?: string;
  /** Set when a q4 file's weights were unpacked at load (see ModelSpec.q4Rewrite). */
  q4Rewrite?: Q4RewriteInfo;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Assistant turns: the tool calls it made (rendered through the chat template's `tool_calls`). */
  toolCalls?: readonly { id: string; name: string; arguments: string }[];
  /** Tool turns: the id of the call this message answers. */
  toolCallId?: string;
  /**
   * Assistant turns only: the token ids this model generated for `content` (from `done.tokenIds`).
   * Re-tokenizing generated text does not always give the same ids; with them the next prompt
   * reproduces the KV cache exactly. Ignored unless they decode to `content` on the loaded model.
   */
  tokenIds?: readonly number[];
}

export interface SamplingParams {
  /** Tokens to generate at most. */
  maxTokens?: number;
  /** 0 means greedy. */
  temperature?: number;
  /** 0 disables top-k. */
  topK?: number;
  /** 1 disables nucleus sampling. */
  topP?: number;
  /** 1 disables the penalty. */
  repetitionPenalty?: number;
  seed?: number;
  /** Text that ends the generation; the matched text is not emitted. */
  stop?: readonly string[];
}

/** Structured output, enforced by constrained decoding (web-xgrammar) in the worker's sampler. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; schema: Record<string, unknown>; name?: string; strict?: boolean };

/** A function the model may call (OpenAI `tools[].function`). Rendered through the chat template's `tools`. */
export interface ToolFunction {
  name: string;
  description?: string;
  /** JSON schema of the arguments. */
  parameters?: Record<string, unknown>;
}
/** `required` or a named function: the output is constrained to a call whose arguments match the schema. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface GenerateRequest extends SamplingParams {
  /**
   * The answer so far, as token ids after the prompt: the run prefills them and goes on with that answer (its
   * stream carries only the new tokens). The page uses it to finish an answer on WASM after the GPU was lost.
   */
  continueIds?: readonly number[];
  /** Exactly one of `messages` (through the chat template) and `prompt` (raw text). */
  messages?: readonly ChatMessage[];
  prompt?: string;
  /** Caller's id, echoed in `start`. */
  requestId?: string;
  /** How often `stats` events are sent. */
  statsIntervalMs?: number;
  /** Caps the context this request may use (tokens, at most the model's); bounds the KV cache. */
  contextLimit?: number;
  /**
   * Prompt-lookup speculative decoding (greedy only: the output is identical either way).
   * `auto` (the default) follows the measured break-even for the backend.
   */
  speculative?: 'auto' | 'on' | 'off';
  /** How long the KV cache is kept after this generation for the next one to reuse (ms; 0 frees it at once). */
  keepCacheMs?: number;
  responseFormat?: ResponseFormat;
  tools?: readonly ToolFunction[];
  toolChoice?: ToolChoice;
  /**
   * Passed to the chat template as `enable_thinking` (Qwen3: `false` writes an empty `<think></think>` into
   * the generation prompt, so the model answers without thinking). Unset: the template's default. Templates
   * that do not read it ignore it; raw `prompt` requests too.
   */
  enableThinking?: boolean;
}

/** Why a request reused less of the kept KV cache than its whole prompt. */
export type ReuseMiss =
  /** No cache was kept (first request, model (re)loaded, or the idle timer freed it). */
  | 'no-cache'
  /** Older turns were left out to fit the context, so the prompt changed near its start. */
  | 'eviction'
  /** The prompt differs from what the cache holds (an edit, another conversation, a rewritten turn). */
  | 'prompt-changed';

export interface CacheUse {
  /** Prompt tokens whose KV came from the kept cache. */
  reusedTokens: number;
  /** Prompt tokens fed through the model for this request. */
  prefilledTokens: number;
  /** Leading non-system messages of the request left out because they did not fit the context. */
  evictedMessages: number;
  /** Set when reuse stopped before the end of the prompt's cached part: why. */
  reuseMiss: ReuseMiss | null;
}

export interface GenerationStats {
  promptTokens: number;
  tokens: number;
  maxTokens: number;
  /** Request start to first token, excluding time spent paused. */
  ttftMs: number | null;
  prefillTokPerS: number | null;
  /** Over a sliding window of recent tokens. */
  decodeTokPerS: number | null;
  /** Over the whole decode so far. */
  averageDecodeTokPerS: number | null;
  elapsedMs: number;
  pausedMs: number;
  /** Estimated time to `maxTokens` at the current rate. */
  etaMs: number | null;
  /** Prompt tokens reused from the kept KV cache / fed through the model (set by the real engine). */
  reusedTokens?: number;
  prefilledTokens?: number;
  /** Why reuse stopped short, e.g. `eviction` when older turns were left out (that turn pays a full prefill). */
  reuseMiss?: ReuseMiss | null;
  /** Bytes the KV cache holds now (GPU memory on WebGPU). */
  kvCacheBytes?: number;
  /** Forward passes this generation ran, its prefill counted as one however many chunks it took. */
  forwardPasses?: number;
  /** Speculative decoding: draft tokens proposed and accepted (0 when it is off). */
  draftedTokens?: number;
  acceptedTokens?: number;
  /** Structured output: milliseconds spent computing and applying token masks (and finishing look-aheads). */
  grammarMs?: number;
}

export type FinishReason = 'eos' | 'length' | 'stop-sequence' | 'stopped';

export type StreamEvent =
  | ({
      type: 'start';
      requestId: string;
      promptTokens: number;
      maxTokens: number;
      timestamp: number;
    } & Partial<CacheUse>)
  | { type: 'token'; id: number; text: string; index: number; timestamp: number }
  | { type: 'paused'; timestamp: number }
  | { type: 'resumed'; timestamp: number }
  | { type: 'stats'; stats: GenerationStats }
  | {
      type: 'done';
      reason: FinishReason;
      text: string;
      stats: GenerationStats;
      /** The ids emitted (EOS excluded): send them back as the assistant message's `tokenIds`. */
      tokenIds?: number[];
    }
  | {
      type: 'error';
      name: EngineErrorName;
      message: string;
      /** The ids emitted before the failure (EOS excluded): a `GpuLost` answer goes on from them (`continueIds`). */
      tokenIds?: number[];
    };

/** Consecutive events as one chunk of the worker's stream (see workers/engine/event-batches.ts). */
export type StreamBatch = readonly StreamEvent[];

/** The names the engine raises; the list lives in common/ so the page can branch on it too. */
export type { EngineErrorName } from '../common/error-names';
import type { EngineErrorName } from '../common/error-names';

export type EngineState = 'idle' | 'loading' | 'ready' | 'generating' | 'paused';

export interface EngineStatus {
  state: EngineState;
  model: LoadResult | null;
  /** Forward passes run since the worker started, each chunk of a prefill one: lets tests prove pause runs none. */
  forwardPasses: number;
  /** Milliseconds spent inside forward passes, for telling model time from pipeline overhead. */
  forwardMs: number;
  /** Tokens produced but not yet read by the consumer. */
  queuedEvents: number;
  /** KV-cache cuts (rollback for Regenerate, edits, rejected drafts) since the worker started, and their time. */
  kvTruncations?: number;
  kvTruncateMs?: number;
  /** The KV cache kept for the next request, if any. */
  kvCache?: { tokens: number; bytes: number; location: 'cpu' | 'gpu-buffer' } | null;
}

export interface CachedModel {
  /** The host-qualified repo, e.g. `huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct`. */
  key: string;
  files: { file: string; bytes: number }[];
  bytes: number;
}

export interface StorageReport {
  models: CachedModel[];
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

/** Reference run of transformers.js `generate()` + `TextStreamer` on the loaded model. */
export interface PeerRunResult {
  tokenIds: number[];
  text: string;
  ttftMs: number;
  decodeTokPerS: number;
  totalMs: number;
}

/**
 * The one engine interface. The worker proxy (through Comlink) and the in-thread
 * fake used by UI tests both implement it.
 */
export interface EngineApi {
  /**
   * The newest load wins. The model loaded before stays until this one's weights are about to be fetched:
   * a load that fails or is cancelled before then leaves it loaded and usable (`status().model`).
   */
  load(spec: ModelSpec, onProgress?: (progress: LoadProgress) => void): Promise<LoadResult>;
  unload(): Promise<void>;
  generate(request: GenerateRequest): Promise<ReadableStream<StreamEvent>>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Ends the running generation (or load) promptly; safe to call any time. */
  stop(): Promise<void>;
  status(): Promise<EngineStatus>;
  storage(): Promise<StorageReport>;
  deleteCachedModel(key: string): Promise<void>;
  clearCache(): Promise<void>;
  /** Diagnostics: the standard transformers.js path on the same model, for tests and benchmarks. */
  peerGenerate(request: GenerateRequest): Promise<PeerRunResult>;
}

/**
 * What the worker exposes through Comlink: the engine interface, with the token stream in batches
 * (one message per batch, not per token). `WorkerEngine` unpacks it, so the page sees `EngineApi`.
 */
export interface WorkerApi extends Omit<EngineApi, 'generate'> {
  generate(request: GenerateRequest): Promise<ReadableStream<StreamBatch>>;
}
