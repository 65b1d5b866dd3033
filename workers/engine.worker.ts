import * as Comlink from 'comlink';
import type { GenerateRequest, LoadProgress, ModelSpec, WorkerApi } from './protocol';
import { batchEvents } from './engine/event-batches';
import { Engine } from './engine/engine';
import { installWorkerScriptPolicy } from './engine/trusted-types';

// Before any load: ORT starts its pthread workers through this policy (see trusted-types.ts).
installWorkerScriptPolicy(self as unknown as Parameters<typeof installWorkerScriptPolicy>[0]);

const engine = new Engine();

/**
 * The Comlink face of the engine: the stream is transferred, not cloned, so backpressure crosses the
 * boundary; tokens cross in batches, one message each (event-batches.ts).
 */
const api: WorkerApi = {
  load: (spec: ModelSpec, onProgress?: (p: LoadProgress) => void) => engine.load(spec, onProgress),
  unload: () => engine.unload(),
  generate: async (request: GenerateRequest) => {
    const stream = batchEvents(await engine.generate(request));
    return Comlink.transfer(stream, [stream as unknown as Transferable]);
  },
  pause: () => engine.pause(),
  resume: () => engine.resume(),
  stop: () => engine.stop(),
  status: () => engine.status(),
  storage: () => engine.storage(),
  deleteCachedModel: (key: string) => engine.deleteCachedModel(key),
  clearCache: () => engine.clearCache(),
  peerGenerate: (request: GenerateRequest) => engine.peerGenerate(request),
};

Comlink.expose(api);
