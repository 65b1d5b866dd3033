import { RaceSignal } from '../../common/race-signal';
import type { EngineApi } from '../../workers/protocol';
import type { WorkerEngine } from './worker-engine';

/**
 * A dead worker never settles its promises or closes its stream, so every await on the engine
 * races this signal: `race(p)` settles as `p` does, or rejects when the running worker dies. The
 * signal lives as long as the page and every token read races it, so it is a RaceSignal (which keeps
 * nothing of a settled race on any engine), not `Promise.race` against a never-settling promise.
 */
export function watchCrashes(engine: EngineApi, onCrash: (error: Error) => void) {
  const signal = new RaceSignal();
  const isWorker = typeof (engine as Partial<WorkerEngine>).onCrash === 'function';
  const unsubscribe = isWorker
    ? (engine as WorkerEngine).onCrash((error) => {
        signal.rejectWaiting(error);
        onCrash(error);
      })
    : () => {};
  return {
    race: <T>(promise: Promise<T>): Promise<T> => (isWorker ? signal.race(promise) : promise),
    /** Races still waiting on the worker. */
    get pending(): number {
      return signal.pending;
    },
    stop: unsubscribe,
  };
}
