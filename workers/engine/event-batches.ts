import type { StreamBatch, StreamEvent } from '../protocol';

/**
 * The token stream as it crosses to the page: consecutive tokens produced within `maxDelayMs` travel
 * as one message. A transferred stream costs the page's main thread a message task, a structured
 * clone and a pull reply per chunk, whatever the chunk holds; one chunk per token put ~650 tasks a
 * second on the page at the bundled model's speed (traced). Only tokens wait: the start event, the
 * first token (time to first token), stats, pauses and the end go at once, and a batch waits only
 * while the page has asked for data, so a reader that stops reading still stops the engine (its
 * queue plus at most `maxEvents` tokens).
 */
export interface BatchOptions {
  maxEvents: number;
  maxDelayMs: number;
}

/** 16 ms: under a frame at 60 Hz, so the typewriter shows the same text; the page renders at most 20 frames/s. */
export const DEFAULT_BATCH: BatchOptions = { maxEvents: 64, maxDelayMs: 16 };

type Read = ReadableStreamReadResult<StreamEvent>;

export function batchEvents(
  source: ReadableStream<StreamEvent>,
  options: BatchOptions = DEFAULT_BATCH,
): ReadableStream<StreamBatch> {
  const reader = source.getReader();
  // A read that lost the race with the batch's deadline; the next batch starts with it.
  let carried: Promise<Read> | null = null;
  let tokens = 0;
  const next = (): Promise<Read> => {
    const read = carried ?? reader.read();
    carried = null;
    return read;
  };
  const within = (read: Promise<Read>, ms: number): Promise<Read | null> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(null), ms);
      read.then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  return new ReadableStream<StreamBatch>(
    {
      async pull(controller) {
        const first = await next();
        if (first.done) {
          controller.close();
          return;
        }
        const batch: StreamEvent[] = [first.value];
        if (first.value.type === 'token' && tokens++ > 0) {
          const deadline = performance.now() + options.maxDelayMs;
          while (batch.length < options.maxEvents) {
            const wait = deadline - performance.now();
            if (wait <= 0) break;
            const read = next();
            const result = await within(read, wait);
            if (result === null || result.done) {
              carried = read;
              break;
            }
            batch.push(result.value);
            if (result.value.type !== 'token') break;
            tokens++;
          }
        }
        controller.enqueue(batch);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
