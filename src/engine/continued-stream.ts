import { describeError, isEngineErrorName } from '../../common/error-names';
import type { EngineApi, GenerateRequest, StreamEvent } from '../../workers/protocol';
import { ContinuedAnswer } from './continued-answer';
import type { WorkerEngine } from './worker-engine';

/**
 * Where an answer goes on after its WebGPU device was lost: the bridge reloads the model on WASM and starts the
 * continuation from `carry` (null when the answer had no room left, so nothing goes on).
 */
export type GoOnAfterGpuLoss = (
  notice: string,
  carry: { ids: number[]; maxTokens: number } | null,
) => Promise<ReadableStream<StreamEvent> | null>;

/**
 * One engine stream that survives a lost GPU, for readers that are not the bridge's own runs (the in-page
 * OpenAI API): a `GpuLost` error is not passed on; the answer goes on through `goOn` and its events are mapped
 * onto the first run's (ContinuedAnswer), so the reader sees one unbroken answer. It pulls one event per read,
 * as the engine's stream does, so backpressure still reaches the engine; cancelling it cancels the run.
 */
export function continuedStream(
  first: ReadableStream<StreamEvent>,
  goOn: GoOnAfterGpuLoss,
): ReadableStream<StreamEvent> {
  const answer = new ContinuedAnswer();
  let reader = first.getReader();
  let text = '';
  return new ReadableStream<StreamEvent>(
    {
      async pull(controller) {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          if (value.type === 'error' && value.name === 'GpuLost') {
            const carry = answer.carryOver(value, text);
            reader.releaseLock();
            let next: ReadableStream<StreamEvent> | null;
            try {
              next = await goOn(value.message, carry);
            } catch (error) {
              // The reload failed (no cache and no network, a crash): the answer ends with why, and its ids.
              const { name, message } = describeError(error);
              const known = isEngineErrorName(name) ? name : 'GenerationError';
              controller.enqueue({ type: 'error', name: known, message, tokenIds: answer.emittedIds });
              return controller.close();
            }
            if (!next) {
              const message = "The GPU was lost at the answer's last token.";
              controller.enqueue({ type: 'error', name: 'GenerationError', message, tokenIds: answer.emittedIds });
              return controller.close();
            }
            reader = next.getReader();
            continue;
          }
          const event = answer.map(value);
          if (!event) continue;
          if (event.type === 'token') text += event.text;
          return controller.enqueue(event);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * The engine as the in-page OpenAI API uses it: the same engine, with `generate` replaced by one whose answers go
 * on after a lost GPU (the bridge's, so the store hears of it through the same events), instead of ending in
 * `GpuLost` with the app left showing a model the worker no longer holds.
 */
export function withContinuedAnswers(
  engine: EngineApi,
  generate: (request: GenerateRequest) => Promise<ReadableStream<StreamEvent>>,
): EngineApi & Partial<Pick<WorkerEngine, 'onCrash'>> {
  const onCrash = (engine as Partial<WorkerEngine>).onCrash;
  return {
    load: (spec, onProgress) => engine.load(spec, onProgress),
    unload: () => engine.unload(),
    generate,
    pause: () => engine.pause(),
    resume: () => engine.resume(),
    stop: () => engine.stop(),
    status: () => engine.status(),
    storage: () => engine.storage(),
    deleteCachedModel: (key) => engine.deleteCachedModel(key),
    clearCache: () => engine.clearCache(),
    peerGenerate: (request) => engine.peerGenerate(request),
    // The page API ends a request whose worker died with an error instead of a hang (page-api.ts).
    ...(onCrash && { onCrash: (listener: (error: Error) => void) => onCrash.call(engine, listener) }),
  };
}
