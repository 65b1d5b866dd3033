import type { NamedError } from '../../common/error-names';
import type {
  EngineApi,
  FinishReason,
  GenerateRequest,
  GenerationStats,
  LoadProgress,
  LoadResult,
  ModelSpec,
  StreamEvent,
} from '../../workers/protocol';
import type { TextAnalysis } from '../streams/analysis';
import type { ThinkingView } from '../streams/thinking-display';
import type { DisplaySettings } from '../streams/display-pipeline';
import type { StreamContext } from '../streams/event-log';
import type { LoadFallback } from './load-retries';

/**
 * The bridge's public face: what the app, the embed widget and the PWA code call.
 * The bridge owns no UI state. Operations return outcomes; everything a view shows
 * reaches it as a BridgeEvent, which src/state/bridge-sync.ts turns into store updates.
 */

/** Every raw stream event of every generation, with the operation it belongs to. */
export type StreamListener = (event: StreamEvent, context: StreamContext) => void;

export interface GenerateOptions {
  /** Called synchronously with this generation's raw stream events, before any view sees them (e.g. to postMessage them). A subscription under the hood. */
  onEvent?: (event: StreamEvent) => void;
  /** Tags the generation so a view can tell whether it started it. */
  owner?: string;
}

export interface GenerationOutcome {
  /** 'error' when the engine refused the request or failed mid-stream. */
  reason: FinishReason | 'error';
  text: string;
  stats: GenerationStats | null;
  error: NamedError | null;
}

/**
 * The model loaded after a load that failed or was cancelled: still held when the load ended before its weights,
 * or loaded again (from the cache) when it ended after them.
 */
export interface KeptModel {
  spec: ModelSpec;
  label: string;
  result: LoadResult;
}

/** What `load` resolves to; it never rejects. `cancelled` is true after Stop/Cancel or when a newer load replaced it. */
export type LoadOutcome =
  { ok: true; result: LoadResult } | { ok: false; error: NamedError; cancelled: boolean; kept?: KeptModel | null };

export interface LoadSpeed {
  bytesPerSecond: number | null;
  etaMs: number | null;
}

/** A load that failed with a NetworkError and waits to try again. */
export interface LoadRetry {
  /** 1-based retry number, of `of`. */
  attempt: number;
  of: number;
  /** Wall-clock time (Date.now()) of the next try. */
  at: number;
  error: NamedError;
}

export type GenerationStatus = 'idle' | 'starting' | 'generating' | 'paused' | 'done' | 'error';

/** One paced frame of a streaming generation: only the fields that changed since the last frame. */
export interface GenerationFrame {
  status?: 'generating' | 'paused';
  promptTokens?: number;
  maxTokens?: number;
  /** The raw text so far. */
  text?: string;
  /** The raw text without a reasoning model's thinking (`<think>…</think>`). */
  answer?: string;
  /** The Thinking section, when the model writes one. */
  thinking?: ThinkingView;
  tokens?: number;
  /** Finished display blocks: a new array only when a block completed. */
  blocks?: readonly string[];
  /** The growing, unfinished display block. */
  tail?: string;
  stats?: GenerationStats;
  rateHistory?: readonly number[];
  analysis?: TextAnalysis;
}

/** What the bridge tells its observers, in order. A load or run that was superseded emits nothing more. */
export type BridgeEvent =
  /** `dismissError` is false for the automatic reload after a crash and for a fallback, so their notice stays. */
  | { type: 'load-started'; spec: ModelSpec; label: string; dismissError: boolean }
  /** At most once per paced frame. */
  | { type: 'load-progress'; progress: LoadProgress; speed: LoadSpeed }
  | { type: 'load-retrying'; retry: LoadRetry | null }
  | { type: 'load-succeeded'; result: LoadResult }
  /** The WebGPU device was lost mid-answer: the model reloads on WASM and the answer goes on. */
  | { type: 'gpu-lost'; notice: string }
  /** Mid-answer, the model moved to another backend (after a lost GPU: now on WASM, in a fresh worker). */
  | { type: 'backend-changed'; result: LoadResult }
  | { type: 'load-cancelled'; kept?: KeptModel | null }
  /** `spec`/`label` let a view offer Retry; `kept` is the model still loaded, if any. */
  | { type: 'load-failed'; spec: ModelSpec; label: string; error: NamedError; kept?: KeptModel | null }
  | { type: 'generation-started'; requestId: string; owner: string | null }
  | { type: 'generation-frame'; frame: GenerationFrame }
  | { type: 'generation-finished'; reason: FinishReason; text: string; stats: GenerationStats }
  | { type: 'generation-failed'; error: NamedError }
  /** Pause, resume or stop was refused. */
  | { type: 'control-failed'; error: NamedError }
  /** The worker died; `spec`/`label` is the model it had (or was loading), for Retry. */
  | { type: 'engine-crashed'; error: NamedError; spec: ModelSpec | null; label: string }
  /** The worker was replaced to give its memory back (a model switch); `ms` is what the restart cost. */
  | { type: 'engine-restarted'; ms: number };

export type BridgeObserver = (event: BridgeEvent) => void;

export interface Bridge {
  /** The engine this bridge drives (a WorkerEngine in the app, any EngineApi in tests). */
  readonly engine: EngineApi;
  /** The same engine for other readers (the in-page OpenAI API): an answer whose GPU is lost goes on on WASM. */
  readonly apiEngine: EngineApi;
  /** Loads a model. The newest load wins; an older one resolves `{ok: false, cancelled: true}`. Never rejects. */
  load(spec: ModelSpec, label?: string): Promise<LoadOutcome>;
  /** Streams one generation, one `generation-frame` event per paced frame. Never rejects. */
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerationOutcome>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  togglePause(): Promise<void>;
  /** Ends the running generation (keeping its text) or cancels a load, including a wait to retry. */
  stop(): Promise<void>;
  /** Whether a generation is streaming (or paused) right now. */
  readonly busy: boolean;
  /**
   * Adds a reader of the one token stream (event log, console trace, embed forwarding):
   * called synchronously with every event of every generation. Returns unsubscribe.
   */
  subscribe(listener: StreamListener): () => void;
  /** Adds an observer of the bridge's own events (load, frames, outcomes). Returns unsubscribe. */
  observe(observer: BridgeObserver): () => void;
  /** What to load when a model cannot be downloaded after the retries; null (the default) for nothing. */
  setLoadFallback(fallback: LoadFallback | null): void;
  dispose(): void;
}

export interface BridgeOptions {
  scheduleFrame?: (callback: () => void) => number;
  cancelFrame?: (handle: number) => void;
  now?: () => number;
  /**
   * Fewest milliseconds between two frames while streaming. Every frame of new text costs style,
   * layout and paint; on a 2-core machine that CPU is taken from the model, so the UI paces itself.
   */
  minFrameIntervalMs?: number;
  /** Sparkline resolution: samples kept over a whole run. */
  maxRatePoints?: number;
  /** How often the engine sends stats events. */
  statsIntervalMs?: number;
  /** Display filters and pacing for the next generation (read when it starts). Default: none. */
  displaySettings?: () => DisplaySettings;
  /** Restart a restartable engine (the worker) before loading a different model, to return its WASM heap (off in the app: see app-runtime.ts). */
  restartOnSwitch?: boolean;
  /** Whether to trace bridge and engine events to the console. */
  debug?: () => boolean;
  random?: () => number;
}
