import type { EngineApi, ModelSpec } from '../../workers/protocol';
import { RemoteError } from './remote/remote-errors';
import type { WorkerEngine } from './worker-engine';

/**
 * One EngineApi over two engines: the worker for local models and the remote engine for an OpenAI-compatible
 * server, picked per load by the spec's source. The bridge and everything above it see one engine, so the
 * typewriter, stats, the in-page OpenAI API and the exports work the same on both. Storage calls always go to
 * the worker (a remote model stores nothing here), and a worker crash matters only while the worker is the one
 * answering.
 */
export function createRoutedEngine(local: WorkerEngine, remote: EngineApi): WorkerEngine {
  let active: EngineApi = local;
  /** Counts stops, so a stop that lands while a load is switching sides cancels that load. */
  let stops = 0;
  const isRemote = (spec: ModelSpec) => spec.source.kind === 'remote';

  /** Switching sides first ends whatever the other side was doing, so only one model is held. */
  async function switchTo(next: EngineApi): Promise<void> {
    if (active === next) return;
    const previous = active;
    active = next;
    await previous.stop().catch(() => {});
    await previous.unload().catch(() => {});
  }

  return {
    load(spec, onProgress) {
      const next = isRemote(spec) ? remote : local;
      // Same side: forward at once, so calls keep their order (a stop sent right after a load must reach the
      // engine after it, or the stop finds nothing to cancel and the load goes on).
      if (next === active) return active.load(spec, onProgress);
      const stopsBefore = stops;
      return switchTo(next).then(() => {
        if (stops !== stopsBefore) throw new RemoteError('LoadCancelled', 'Stopped before the model began to load.');
        return active.load(spec, onProgress);
      });
    },
    unload: () => active.unload(),
    generate: (request) => active.generate(request),
    pause: () => active.pause(),
    resume: () => active.resume(),
    stop: () => {
      stops += 1;
      return active.stop();
    },
    status: () => active.status(),
    storage: () => local.storage(),
    deleteCachedModel: (key) => local.deleteCachedModel(key),
    clearCache: () => local.clearCache(),
    peerGenerate: (request) => active.peerGenerate(request),
    restart: () => local.restart(),
    onCrash: (listener) =>
      local.onCrash((error) => {
        if (active === local) listener(error);
      }),
  };
}
