/**
 * The public postMessage protocol between a host page and the Typewriter widget iframe.
 *
 * This file is published as `typewriter-embed-protocol.d.ts` beside the SDK, so it must stay
 * self-contained and type-only: no imports, no runtime code. Breaking changes bump `v`.
 * Every message is `{ v: 1, type, id?, ... }`; the widget ignores (and debug-logs) anything else.
 */

export type EmbedProtocolVersion = 1;

export type EmbedBackend = 'webgpu' | 'wasm';
export type EmbedFinishReason = 'eos' | 'length' | 'stop-sequence' | 'stopped';
export type EmbedTheme = 'light' | 'dark' | 'auto';

export interface EmbedChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Sampling options of `typewriter:generate`; unset fields take the widget's URL settings, then the engine defaults. */
export interface EmbedGenerateOptions {
  maxTokens?: number;
  /** 0 means greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Text that ends the generation; the matched text is not emitted. */
  stop?: string[];
  seed?: number;
  /** 1 disables it; above 1 discourages repeating tokens already in the text. */
  repetitionPenalty?: number;
  /** System prompt for this generation; overrides the widget's `system` URL parameter. */
  system?: string;
}

/** What `typewriter:load` loads: `'demo'` (the bundled test model) or a Hugging Face Hub repo id. */
export interface EmbedModelSpec {
  model: string;
  backend?: 'auto' | EmbedBackend;
}

// ---- Host → widget ----

export type HostGenerateMessage = {
  v: EmbedProtocolVersion;
  type: 'typewriter:generate';
  /** Chosen by the host; echoed on every token/stats/done/error of this generation. */
  id: string;
  options?: EmbedGenerateOptions;
} & ({ prompt: string; messages?: undefined } | { messages: EmbedChatMessage[]; prompt?: undefined });

export interface HostControlMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:pause' | 'typewriter:resume' | 'typewriter:stop';
  /** The id of the generation to control. */
  id: string;
}

export interface HostLoadMessage extends EmbedModelSpec {
  v: EmbedProtocolVersion;
  type: 'typewriter:load';
  id?: string;
}

/**
 * One request to the widget's OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`): what the SDK's
 * `fetch` sends. The widget answers with `typewriter:response`, then `typewriter:response-chunk`s, then
 * `typewriter:response-end`.
 */
export interface HostFetchMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:fetch';
  id: string;
  method: 'GET' | 'POST';
  /** `/v1/...` */
  path: string;
  /** The JSON request body, as text. */
  body?: string;
}

/** The host aborted a `typewriter:fetch` (its AbortSignal): the widget stops the generation. */
export interface HostFetchAbortMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:fetch-abort';
  id: string;
}

export type HostMessage =
  HostGenerateMessage | HostControlMessage | HostLoadMessage | HostFetchMessage | HostFetchAbortMessage;
export type HostMessageType = HostMessage['type'];

// ---- Widget → host ----

export interface EmbedLoadProgress {
  phase: 'download' | 'cache' | 'compile' | 'warmup' | 'ready';
  loaded: number;
  /** null when the server sent no length. */
  total: number | null;
  /** 0..1, or null when the total is unknown. */
  fraction: number | null;
}

export interface WidgetReadyMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:ready';
  model: string;
  backend: EmbedBackend;
  /** WASM threads; 1 whenever the widget is not cross-origin isolated (the usual case inside an iframe). */
  threads: number;
  crossOriginIsolated: boolean;
  /** True for generated test models: their output is gibberish. */
  randomWeights: boolean;
}

export interface WidgetProgressMessage extends EmbedLoadProgress {
  v: EmbedProtocolVersion;
  type: 'typewriter:progress';
}

export interface WidgetTokenMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:token';
  id: string;
  text: string;
  /** 0, 1, 2… within the generation. */
  index: number;
}

export interface WidgetStatsMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:stats';
  id: string;
  tokPerS: number | null;
  ttftMs: number | null;
  tokens: number;
  /** Prompt tokens whose KV cache was reused from the previous turn, and those prefilled now. */
  reusedTokens?: number;
  prefilledTokens?: number;
}

export interface WidgetDoneMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:done';
  id: string;
  reason: EmbedFinishReason;
  /** Equals the concatenation of this generation's token texts. */
  text: string;
}

export interface WidgetErrorMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:error';
  /** The generation or load this error belongs to, when there is one. */
  id?: string;
  /** Stable: an engine error name (`InvalidParams`, `EngineBusy`, `ModelLoadError`…) or `InvalidConfig`, `UnknownRequest`, `Sandboxed`. */
  name: string;
  message: string;
}

export interface WidgetResizeMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:resize';
  /** CSS pixels of content height. */
  height: number;
}

/** The status and headers of a `typewriter:fetch`. */
export interface WidgetResponseMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:response';
  id: string;
  status: number;
  /** `content-type`, `x-request-id`, `x-should-retry` only. */
  headers: Record<string, string>;
}

/** A piece of the response body (a whole server-sent event or more while streaming). */
export interface WidgetResponseChunkMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:response-chunk';
  id: string;
  text: string;
}

/** The body is complete, or (with `error`) was cut off: `AbortError` after `typewriter:fetch-abort`. */
export interface WidgetResponseEndMessage {
  v: EmbedProtocolVersion;
  type: 'typewriter:response-end';
  id: string;
  error?: { name: string; message: string };
}

export type WidgetMessage =
  | WidgetResponseMessage
  | WidgetResponseChunkMessage
  | WidgetResponseEndMessage
  | WidgetReadyMessage
  | WidgetProgressMessage
  | WidgetTokenMessage
  | WidgetStatsMessage
  | WidgetDoneMessage
  | WidgetErrorMessage
  | WidgetResizeMessage;
export type WidgetMessageType = WidgetMessage['type'];

/** Distributes over the union: a widget message without the `v` and `type` envelope. */
export type WidgetPayload<T extends WidgetMessageType> = T extends WidgetMessageType
  ? Omit<Extract<WidgetMessage, { type: T }>, 'v' | 'type'>
  : never;
