import * as Comlink from 'comlink';
import type { EngineApi, EngineErrorName, GenerateRequest, LoadProgress, ModelSpec } from '../../workers/protocol';

/** Raised on the main thread when the worker itself died; mirrors the engine's named errors. */
export class WorkerCrashed extends Error {
  override readonly name = 'WorkerCrashed';
}

export interface WorkerEngine extends EngineApi {
  /** Kills the worker (the only way to free all WASM memory) and starts a fresh one. */
  restart(): void;
  onCrash(listener: (error: Error) => void): () => void;
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
  const e = error as { name?: EngineErrorName; message?: string } | null;
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
      restart();
      crashListeners.forEach((l) => l(error));
    });
  };

  function restart(): void {
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
    restart,
    onCrash(listener) {
      crashListeners.add(listener);
      return () => crashListeners.delete(listener);
    },
  };
}
