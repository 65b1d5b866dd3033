/**
 * Every error name the app shows, listed once. The engine raises only ENGINE_ERROR_NAMES;
 * the page raises APP_ERROR_NAMES for failures outside the engine (a dead worker, storage,
 * the embed protocol). Across Comlink only `name` and `message` survive, so these names are
 * the whole vocabulary callers branch on.
 */
export const ENGINE_ERROR_NAMES = [
  'InvalidParams',
  'ContextOverflow',
  'ModelNotLoaded',
  'EngineBusy',
  'ModelLoadError',
  'ModelFileMissing',
  'NotAModelFile',
  'IntegrityError',
  'NetworkError',
  'InsufficientStorage',
  'LoadCancelled',
  'WebGpuUnavailable',
  /** The chosen precision cannot run on this device (e.g. fp16 without shader-f16). */
  'UnsupportedDtype',
  /** No file of the model fits in the memory the backend can address. */
  'ModelTooLarge',
  'GenerationError',
  /** The WebGPU device was lost mid-answer: the page reloads the model on WASM and goes on with the answer. */
  'GpuLost',
  /** GPU or WASM memory ran out at load or mid-run; the message says which and what to try. */
  'OutOfMemory',
  /** A response format or tool schema the grammar engine cannot compile (names the keyword or path). */
  'InvalidSchema',
  /** The grammar engine (web-xgrammar's wasm) failed to start, so output cannot be constrained. */
  'GrammarUnavailable',
  // The remote backend (src/engine/remote/): an OpenAI-compatible server the page streams from.
  /** No answer from the server: it is down, the URL is wrong, or it does not allow this origin (CORS). */
  'RemoteUnreachable',
  /** This deploy's Content-Security-Policy does not list the server's origin in connect-src. */
  'RemoteBlocked',
  /** 401 or 403: the API key is missing, wrong, or lacks access to the model. */
  'RemoteAuthFailed',
  /** 4xx other than auth: an unknown model, an unsupported parameter; the message is the server's. */
  'RemoteRejected',
  /** 5xx, 429, or an error object in the middle of the stream. */
  'RemoteServerError',
  /** The stream ended before the server said the answer was finished. */
  'RemoteStreamCut',
] as const;

export type EngineErrorName = (typeof ENGINE_ERROR_NAMES)[number];

export const APP_ERROR_NAMES = [
  /** The worker died (or stopped answering); the page restarts it. */
  'WorkerCrashed',
  /** A download failed after every retry and the bundled model was loaded instead. */
  'ModelFallback',
  /** IndexedDB refused a write: chats or settings may not persist. */
  'StorageError',
  /** A stored conversation is gone. */
  'NotFound',
  /** A picked folder could not be read. */
  'FolderUnreadable',
  /** Embed: bad URL parameters. */
  'InvalidConfig',
  /** Embed: a sandbox that cannot run the worker. */
  'Sandboxed',
  /** Embed: a control message for a generation that is not running. */
  'UnknownRequest',
  /** A model loaded but could not be stored for offline use (storage full mid-model). */
  'NotStoredOffline',
  /** SDK: the widget said nothing (no ready, no progress) for the ready timeout. */
  'WidgetTimeout',
] as const;

export type AppErrorName = (typeof APP_ERROR_NAMES)[number];

export type ErrorName = EngineErrorName | AppErrorName;

const engineNames: ReadonlySet<string> = new Set(ENGINE_ERROR_NAMES);

export function isEngineErrorName(name: string): name is EngineErrorName {
  return engineNames.has(name);
}

/** What survives any boundary: a name callers can branch on and a message a person can act on. */
export interface NamedError {
  name: string;
  message: string;
}

/** Only name and message are kept: an Error's toString or stack is never user-facing. */
export function describeError(error: unknown): NamedError {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message };
  const e = error as { name?: unknown; message?: unknown } | null;
  if (e && typeof e.message === 'string')
    return { name: typeof e.name === 'string' ? e.name : 'Error', message: e.message };
  return { name: 'Error', message: String(error) };
}
