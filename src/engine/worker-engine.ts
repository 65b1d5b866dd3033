import * as Comlink from 'comlink';
import type { ErrorName } from '../../common/error-names';
import type { EngineApi, GenerateRequest, LoadProgress, ModelSpec } from '../../workers/protocol';

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

function spawn(): Worker {
  return new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
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

export function createWorkerEngine(): WorkerEngine {
  let worker = spawn();
  let remote = Comlink.wrap<EngineApi>(worker);
  const crashListeners = new Set<(error: Error) => void>();

  const watch = (w: Worker) => {
    w.addEventListener('error', (event) => {
      const error = new WorkerCrashed(
        `The engine worker crashed: ${event.message || 'unknown error'}. It was restarted; load the model again.`,
      );
      replace();
      crashListeners.forEach((l) => l(error));
    });
  };

  function replace(): void {
    remote[Comlink.releaseProxy]();
    worker.terminate();
    worker = spawn();
    remote = Comlink.wrap<EngineApi>(worker);
    watch(worker);
  }
  watch(worker);

  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw named(error);
    }
  };

  return {
    load: (spec: ModelSpec, onProgress?: (p: LoadProgress) => void) =>
      call(() => remote.load(spec, onProgress ? Comlink.proxy(onProgress) : undefined)),
    unload: () => call(() => remote.unload()),
    generate: (request: GenerateRequest) => call(() => remote.generate(request)),
    pause: () => call(() => remote.pause()),
    resume: () => call(() => remote.resume()),
    stop: () => call(() => remote.stop()),
    status: () => call(() => remote.status()),
    storage: () => call(() => remote.storage()),
    deleteCachedModel: (key: string) => call(() => remote.deleteCachedModel(key)),
    clearCache: () => call(() => remote.clearCache()),
    peerGenerate: (request: GenerateRequest) => call(() => remote.peerGenerate(request)),
    async restart() {
      replace();
      // The fresh worker answers once its module has run, so the restart's cost is measured in full.
      await remote.status();
    },
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
  };
}
