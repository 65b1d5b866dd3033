import { describe, expect, it } from 'vitest';
import type { StreamBatch, StreamEvent } from '../protocol';
import { batchEvents } from './event-batches';

const start: StreamEvent = { type: 'start', requestId: 'r', promptTokens: 3, maxTokens: 10, timestamp: 0 };
const token = (index: number): StreamEvent => ({
  type: 'token',
  id: 100 + index,
  text: `t${index}`,
  index,
  timestamp: 0,
});
const paused: StreamEvent = { type: 'paused', timestamp: 0 };

/** A source whose events are released by the test; counts how many the batcher has taken. */
function source() {
  let controller!: ReadableStreamDefaultController<StreamEvent>;
  let cancelled: unknown = null;
  let taken = 0;
  const stream = new ReadableStream<StreamEvent>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: (reason) => {
        cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  const counted = stream.pipeThrough(
    new TransformStream<StreamEvent, StreamEvent>({
      transform(event, out) {
        taken++;
        out.enqueue(event);
      },
    }),
    // No read-ahead in the counter itself.
    { preventCancel: false },
  );
  return {
    stream: counted,
    push: (...events: StreamEvent[]) => events.forEach((e) => controller.enqueue(e)),
    close: () => controller.close(),
    taken: () => taken,
    cancelled: () => cancelled,
  };
}

const ids = (batch: StreamBatch) => batch.map((e) => (e.type === 'token' ? e.id : e.type));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batchEvents', () => {
  it('sends the start and the first token at once, and merges the tokens that follow within the window', async () => {
    const s = source();
    const reader = batchEvents(s.stream, { maxEvents: 64, maxDelayMs: 30 }).getReader();
    s.push(start, token(0), token(1), token(2), token(3));
    expect(ids((await reader.read()).value ?? [])).toEqual(['start']);
    expect(ids((await reader.read()).value ?? [])).toEqual([100]);
    expect(ids((await reader.read()).value ?? [])).toEqual([101, 102, 103]);
    s.push(token(4));
    await sleep(5);
    s.push(token(5));
    expect(ids((await reader.read()).value ?? [])).toEqual([104, 105]);
  });

  it('ends a batch at its deadline, and carries the pending read into the next batch', async () => {
    const s = source();
    const reader = batchEvents(s.stream, { maxEvents: 64, maxDelayMs: 10 }).getReader();
    s.push(token(0), token(1));
    expect(ids((await reader.read()).value ?? [])).toEqual([100]);
    const second = reader.read();
    await sleep(200);
    s.push(token(2));
    expect(ids((await second).value ?? [])).toEqual([101]);
    expect(ids((await reader.read()).value ?? [])).toEqual([102]);
  });

  it('sends anything but a token at once, closing the batch it ends', async () => {
    const s = source();
    const reader = batchEvents(s.stream, { maxEvents: 64, maxDelayMs: 1000 }).getReader();
    s.push(token(0), token(1), token(2), paused, token(3));
    expect(ids((await reader.read()).value ?? [])).toEqual([100]);
    const started = performance.now();
    expect(ids((await reader.read()).value ?? [])).toEqual([101, 102, 'paused']);
    expect(performance.now() - started).toBeLessThan(900);
    s.close();
    expect(ids((await reader.read()).value ?? [])).toEqual([103]);
    expect((await reader.read()).done).toBe(true);
  });

  it('caps a batch at maxEvents, keeping every event in order', async () => {
    const s = source();
    const reader = batchEvents(s.stream, { maxEvents: 3, maxDelayMs: 1000 }).getReader();
    const events = [start, ...Array.from({ length: 10 }, (_, i) => token(i))];
    s.push(...events);
    s.close();
    const batches: StreamBatch[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      batches.push(value);
    }
    expect(batches.map((b) => b.length)).toEqual([1, 1, 3, 3, 3]);
    expect(batches.flat()).toEqual(events);
  });

  it('takes nothing from the engine while the page does not ask, so backpressure still stops it', async () => {
    const s = source();
    const reader = batchEvents(s.stream, { maxEvents: 64, maxDelayMs: 10 }).getReader();
    s.push(start, ...Array.from({ length: 20 }, (_, i) => token(i)));
    await reader.read();
    await sleep(100);
    // The start event, and at most the one read the pipe in the counter keeps in flight.
    expect(s.taken()).toBeLessThanOrEqual(2);
    // Asked again, it takes what the engine has ready: the first token alone, then the rest as one batch.
    expect(ids((await reader.read()).value ?? [])).toEqual([100]);
    expect((await reader.read()).value).toHaveLength(19);
  });

  it('passes a cancel on to the engine stream', async () => {
    const s = source();
    const reader = batchEvents(s.stream).getReader();
    s.push(start);
    await reader.read();
    await reader.cancel('Stop');
    await sleep(0);
    expect(s.cancelled()).toBe('Stop');
  });
});
