/// <reference types="vite/client" />
import * as Comlink from 'comlink';
// The one import of workers/ that is not a type: Vite bundles the worker and gives its URL.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import workerUrl from '../../workers/engine.worker?worker&url';
import type { ErrorName } from '../../common/error-names';
import type {
  EngineApi,
  GenerateRequest,
  LoadProgress,
  ModelSpec,
  StreamBatch,
  StreamEvent,
  WorkerApi,
} from '../../workers/protocol';
import { trustedScriptUrl } from '../security/trusted-types';
import { WorkerHealth, type HealthOptions } from './worker-health';

/** Raised on the main thread when the worker itself died; mirrors the engine's named errors. */
export class WorkerCrashed extends Error {
  override readonly name = 'WorkerCrashed' satisfies ErrorName;
}

/** An engine whose thread can be replaced: the only way to give a WASM heap's high-water mark back. */
export interface RestartableEngine extends EngineApi {
  /** Kills the worker and starts a fresh one with no model loaded. */
  restart(): Promise<void>;
}

export interface WorkerEngine extends RestartableEngine {
  onCrash(listener: (error: Error) => void): () => void;
}

export function isRestartable(engine: EngineApi): engine is RestartableEngine {
  return typeof (engine as Partial<RestartableEngine>).restart === 'function';
}

export interface WorkerEngineOptions {
  health?: HealthOptions;
  /** Waits before starting a worker again after its script failed to load: 1 s, 2 s, 4 s, then give up. */
  startRetryDelaysMs?: readonly number[];
}

const START_RETRY_DELAYS_MS = [1000, 2000, 4000] as const;

function spawn(): Worker {
  // The URL goes through the script-URL Trusted Types policy (our origin only); `?worker&url` keeps Vite's bundling.
  return new Worker(trustedScriptUrl(new URL(workerUrl, location.href)) as string, {
    type: 'module',
    name: 'typewriter-engine',
  });
}

/** Across Comlink only `name` and `message` survive; rebuild a plain Error that keeps both. */
function named(error: unknown): Error {
  if (error instanceof Error) return error;
  const e = error as { name?: string; message?: string } | null;
  const out = new Error(e?.message ?? String(error));
  if (e?.name) out.name = e.name;
  return out;
}

/**
 * The Comlink proxy over the engine worker, plus what a proxy alone cannot do: notice that the
 * worker died or hung (heartbeat), settle every call pending on it with WorkerCrashed, start a
 * fresh worker, and back off instead of looping when the worker script itself cannot load.
 */
export function createWorkerEngine(options: WorkerEngineOptions = {}): WorkerEngine {
  const retryDelays = options.startRetryDelaysMs ?? START_RETRY_DELAYS_MS;
  const crashListeners = new Set<(error: Error) => void>();
  const pending = new Set<(error: Error) => void>();
  let worker: Worker;
  let remote: Comlink.Remote<WorkerApi>;
  let health: WorkerHealth;
  /** Consecutive workers whose script never ran (404 after an update, offline without a precache). */
  let failedStarts = 0;
  let gaveUp: WorkerCrashed | null = null;
  /** While waiting to start a worker again, calls fail at once with why (never on the released proxy). */
  let down: WorkerCrashed | null = null;
  /** Counts the workers stopped, and says why the last one was: a stream from a stopped worker ends with it. */
  let stopped = 0;
  let stopCause: Error = new WorkerCrashed('The engine worker was stopped.');

  function start(): void {
    down = null;
    worker = spawn();
    remote = Comlink.wrap<WorkerApi>(worker);
    const self = worker;
    health = new WorkerHealth(
      // The status carries the pass counters, so a model whose passes are all slow is not taken for hung.
      () => remote.status(),
      (silentMs) => {
        if (worker === self) crashed(`it stopped answering for ${Math.round(silentMs / 100) / 10} s`);
      },
      options.health,
    );
    self.addEventListener('error', (event) => {
      if (worker !== self) return;
      event.preventDefault?.();
      crashed(event.message || (health.started ? 'unknown error' : 'its script could not be loaded'));
    });
    self.addEventListener('messageerror', () => worker === self && crashed('a message could not be read'));
    health.start();
  }

  function crashed(cause: string): void {
    const neverStarted = !health.started;
    failedStarts = neverStarted ? failedStarts + 1 : 0;
    const givingUp = neverStarted && failedStarts > retryDelays.length;
    const error = new WorkerCrashed(
      neverStarted
        ? `The engine worker could not start (${cause}). ` +
            (givingUp
              ? `It failed ${failedStarts} times; check your connection, then reload the page.`
              : `Trying again in ${(retryDelays[failedStarts - 1] ?? 0) / 1000} s.`)
        : `The engine worker crashed (${cause}). It was restarted; the partial answer is kept. Load the model again.`,
    );
    stopWorker(error);
    settlePending(error);
    if (givingUp) gaveUp = error;
    else if (neverStarted) {
      down = error;
      setTimeout(start, retryDelays[failedStarts - 1]);
    } else start();
    crashListeners.forEach((l) => l(error));
  }

  function stopWorker(cause: Error): void {
    stopped++;
    stopCause = cause;
    health.stop();
    remote[Comlink.releaseProxy]();
    worker.terminate();
  }

  function settlePending(error: Error): void {
    const rejecters = [...pending];
    pending.clear();
    rejecters.forEach((reject) => reject(error));
  }

  function restart(): void {
    // Between failed starts (or after giving up) there is no worker to replace: the backoff stands.
    if (down || gaveUp) return;
    const error = new WorkerCrashed('The engine worker was restarted while this call was running. Try again.');
    stopWorker(error);
    settlePending(error);
    failedStarts = 0;
    start();
  }
  start();

  /** Every call races the worker's death, so none is left pending on a dead worker. */
  const call = <T>(fn: () => Promise<T>, long?: 'until-settled'): Promise<T> => {
    const unavailable = gaveUp ?? down;
    if (unavailable) return Promise.reject(unavailable);
    const release = long === 'until-settled' ? health.busy() : null;
    return new Promise<T>((resolve, reject) => {
      const settle = (error: Error) => {
        release?.();
        reject(error);
      };
      pending.add(settle);
      fn().then(
        (value) => {
          pending.delete(settle);
          release?.();
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(settle);
          release?.();
          reject(named(error));
        },
      );
    });
  };

  /**
   * A generation can block the worker through its prefill: lenient until the first token (or the
   * end) arrives; decode passes answer the heartbeat between them. The wrapper reads the worker's
   * stream only when its own reader asks (high-water mark 0), so backpressure is the reader's; it is
   * a pull source rather than a TransformStream pipe because every chunk crosses it on the main
   * thread, and a pipe spends a read, a write and a transform (each a promise) per chunk. The worker
   * sends tokens in batches (one message each); they are unpacked here, so readers see one event each.
   * A stream transferred from a worker that is then terminated neither closes nor errors, so each read
   * races the worker's death like every call does, and one after it fails at once: the stream ends
   * with WorkerCrashed, for every reader (the bridge also races its reads, crash-signal.ts).
   */
  async function generate(request: GenerateRequest): Promise<ReadableStream<StreamEvent>> {
    const release = health.busy();
    const born = stopped;
    let source: ReadableStreamDefaultReader<StreamBatch>;
    try {
      source = (await call(() => remote.generate(request))).getReader();
    } catch (error) {
      release();
      throw error;
    }
    return new ReadableStream<StreamEvent>(
      {
        async pull(controller) {
          let read: ReadableStreamReadResult<StreamBatch>;
          try {
            if (stopped !== born) throw stopCause;
            read = await call(() => source.read());
          } catch (error) {
            release();
            throw error;
          }
          if (read.done) {
            release();
            controller.close();
            return;
          }
          for (const event of read.value) {
            if (event.type !== 'start') release();
            controller.enqueue(event);
          }
        },
        // A reader that cancels (before the first token, or Stop's cancel) ends the generation too.
        cancel(reason) {
          release();
          return stopped === born ? call(() => source.cancel(reason)) : undefined;
        },
      },
      { highWaterMark: 0 },
    );
  }

  return {
    load: (spec: ModelSpec, onProgress?: (p: LoadProgress) => void) =>
      call(() => remote.load(spec, onProgress ? Comlink.proxy(onProgress) : undefined), 'until-settled'),
    unload: () => call(() => remote.unload()),
    generate,
    pause: () => call(() => remote.pause()),
    resume: () => call(() => remote.resume()),
    stop: () => call(() => remote.stop()),
    status: () => call(() => remote.status()),
    storage: () => call(() => remote.storage()),
    deleteCachedModel: (key: string) => call(() => remote.deleteCachedModel(key)),
    clearCache: () => call(() => remote.clearCache()),
    peerGenerate: (request: GenerateRequest) => call(() => remote.peerGenerate(request), 'until-settled'),
    async restart() {
      restart();
      // The fresh worker answers once its module has run, so the restart's cost is measured in full; if it dies
      // first, this settles with WorkerCrashed like every other call.
      await call(() => remote.status());
    },
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
  };
}
