import type {
  EmbedChatMessage,
  EmbedFinishReason,
  EmbedGenerateOptions,
  EmbedTheme,
  WidgetDoneMessage,
  WidgetErrorMessage,
  WidgetProgressMessage,
  WidgetReadyMessage,
  WidgetResizeMessage,
  WidgetStatsMessage,
  WidgetTokenMessage,
} from '../protocol';

/** Public types of the host SDK (published as typewriter-embed.d.ts). Type-only: no runtime code here. */

export interface MountOptions {
  /** The Typewriter app that serves the widget, e.g. `https://typewriter.example/`. Default: where this script came from. */
  widgetUrl?: string;
  /** `'demo'` (the bundled test model, the default) or a Hugging Face Hub repo id. */
  model?: string;
  /** Hub host for `model`, e.g. a mirror. Default huggingface.co. */
  hubHost?: string;
  systemPrompt?: string;
  /** Text for the widget to generate from; shown to the user when `autostart` is set. */
  prompt?: string;
  autostart?: boolean;
  maxTokens?: number;
  temperature?: number;
  theme?: EmbedTheme;
  /** Origins allowed to command the widget. Default: this page's origin. */
  allowedOrigins?: string[];
  /** Show the widget's own Message box (default true). */
  input?: boolean;
  /** Accessible name of the iframe (default "Typewriter"). */
  title?: string;
  /**
   * `ready` rejects with a `WidgetTimeout` error when the widget says nothing (no ready, no progress) for this
   * long: a widget blocked by frame-ancestors, or a page that is not Typewriter, never answers. Default 60 s.
   */
  readyTimeoutMs?: number;
}

export type GenerateInput = string | EmbedChatMessage[];

export type TokenEvent = Omit<WidgetTokenMessage, 'v' | 'type'>;
export type StatsEvent = Omit<WidgetStatsMessage, 'v' | 'type'>;
export type DoneEvent = Omit<WidgetDoneMessage, 'v' | 'type'>;
export type ReadyEvent = Omit<WidgetReadyMessage, 'v' | 'type'>;
export type ProgressEvent = Omit<WidgetProgressMessage, 'v' | 'type'>;
export type ErrorEvent = Omit<WidgetErrorMessage, 'v' | 'type'>;
export type ResizeEvent = Omit<WidgetResizeMessage, 'v' | 'type'>;

export interface TypewriterEvents {
  ready: ReadyEvent;
  progress: ProgressEvent;
  token: TokenEvent;
  stats: StatsEvent;
  done: DoneEvent;
  error: ErrorEvent;
  resize: ResizeEvent;
}

export type TypewriterEventName = keyof TypewriterEvents;

/** One generation. Iterate it for tokens (from the first, even if you start late); `done` settles at the end. */
export interface GenerationHandle extends AsyncIterable<TokenEvent> {
  readonly id: string;
  /** Resolves with the finish reason and the full text; rejects with a named Error (`error.name`). */
  readonly done: Promise<{ reason: EmbedFinishReason; text: string }>;
  pause(): void;
  resume(): void;
  stop(): void;
}

/** A chat kept by the SDK: `send` adds the user turn, and the answer once it is done. */
export interface ConversationHandle {
  /** The history so far (a copy). */
  readonly messages: EmbedChatMessage[];
  /** One turn; throws while the previous one is still running. */
  send(text: string, options?: EmbedGenerateOptions): GenerationHandle;
}

export interface TypewriterController {
  readonly iframe: HTMLIFrameElement;
  /** Resolves on the widget's first `ready`. */
  readonly ready: Promise<ReadyEvent>;
  /**
   * The widget's OpenAI-compatible API (`POST /v1/chat/completions`, `GET /v1/models`) with `fetch`'s
   * signature: `new OpenAI({ baseURL: 'http://typewriter.local/v1', apiKey: 'local', fetch: typewriter.fetch,
   * dangerouslyAllowBrowser: true })`. Requests wait for the first `ready`.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  generate(input: GenerateInput, options?: EmbedGenerateOptions): GenerationHandle;
  /** A multi-turn chat whose turns reuse the widget's KV cache (each turn prefills only its new message). */
  conversation(options?: { system?: string }): ConversationHandle;
  /** Control the latest generation. */
  pause(): void;
  resume(): void;
  stop(): void;
  /** Load another model (`'demo'` or a Hub id); `ready` fires again when it is loaded. */
  load(model: string): void;
  on<E extends TypewriterEventName>(event: E, listener: (payload: TypewriterEvents[E]) => void): () => void;
  /** Removes the iframe and all listeners. */
  destroy(): void;
}

export interface TypewriterSdk {
  readonly protocolVersion: 1;
  mount(element: HTMLElement | string, options?: MountOptions): TypewriterController;
}
