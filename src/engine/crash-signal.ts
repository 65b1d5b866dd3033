import type { EngineApi } from '../../workers/protocol';
import type { WorkerEngine } from './worker-engine';

/**
 * A dead worker never settles its promises or closes its stream, so every await
 * on the engine races this signal: it rejects when the worker crashes, and a
 * fresh one replaces it for the restarted worker.
 */
export function watchCrashes(engine: EngineApi, onCrash: (error: Error) => void) {
  let current = pending();
  const isWorker = typeof (engine as Partial<WorkerEngine>).onCrash === 'function';
  const unsubscribe = isWorker
    ? (engine as WorkerEngine).onCrash((error) => {
        const previous = current;
        current = pending();
        previous.reject(error);
        onCrash(error);
      })
    : () => {};
  return {
    /** Rejects when the running worker dies. */
    get promise(): Promise<never> {
      return current.promise;
    },
    stop: unsubscribe,
  };
}

function pending() {
  let reject: (e: Error) => void = () => {};
  const promise = new Promise<never>((_, r) => (reject = r));
  promise.catch(() => {});
  return { promise, reject };
}
