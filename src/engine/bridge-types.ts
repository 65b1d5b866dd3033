import type {
  EngineApi,
  FinishReason,
  GenerateRequest,
  GenerationStats,
  LoadResult,
  ModelSpec,
  StreamEvent,
} from '../../workers/protocol';
import type { AppStore } from '../state/store';
import type { StreamContext } from '../streams/event-log';
import type { LoadFallback } from './load-retries';

/** The bridge's public face: what the app, the embed widget and the PWA code call. */

/** Every raw stream event of every generation, with the operation it belongs to. */
export type StreamListener = (event: StreamEvent, context: StreamContext) => void;

export interface GenerateOptions {
  /** Called synchronously with this generation's raw stream events, before the store sees them (e.g. to postMessage them). A subscription under the hood. */
  onEvent?: (event: StreamEvent) => void;
  /** Tags the live generation in the store so a view can tell whether it started it. */
  owner?: string;
}

export interface GenerationOutcome {
  /** 'error' when the engine refused the request or failed mid-stream. */
  reason: FinishReason | 'error';
  text: string;
  stats: GenerationStats | null;
  error: { name: string; message: string } | null;
}

export interface Bridge {
  /** The engine this bridge drives (a WorkerEngine in the app, any EngineApi in tests). */
  readonly engine: EngineApi;
  readonly store: AppStore;
  /** Loads a model, tracking progress in `store.model`. Resolves null on failure or cancel (the store says which). */
  load(spec: ModelSpec, label?: string): Promise<LoadResult | null>;
  /** Streams one generation into `store.generation`, one store update per animation frame. Never rejects. */
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerationOutcome>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  togglePause(): Promise<void>;
  /** Ends the running generation (keeping its text) or cancels a load, including a wait to retry. */
  stop(): Promise<void>;
  /**
   * Adds a reader of the one token stream (event log, debug log, embed forwarding):
   * called synchronously with every event of every generation, before the store. Returns unsubscribe.
   */
  subscribe(listener: StreamListener): () => void;
  /** What to load when a model cannot be downloaded after the retries; null (the default) for nothing. */
  setLoadFallback(fallback: LoadFallback | null): void;
  dispose(): void;
}

export interface BridgeOptions {
  scheduleFrame?: (callback: () => void) => number;
  cancelFrame?: (handle: number) => void;
  now?: () => number;
  /**
   * Fewest milliseconds between two store updates while streaming. Every frame of new text costs style,
   * layout and paint; on a 2-core machine that CPU is taken from the model, so the UI paces itself.
   */
  minFrameIntervalMs?: number;
  /** Sparkline resolution: samples kept over a whole run. */
  maxRatePoints?: number;
  /** How often the engine sends stats events. */
  statsIntervalMs?: number;
  /** Whether to log bridge and engine events to the console. */
  debug?: () => boolean;
  random?: () => number;
}
