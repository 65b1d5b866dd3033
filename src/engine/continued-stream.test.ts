import { describe, expect, it } from 'vitest';
import type { GenerationStats, StreamEvent } from '../../workers/protocol';
import { continuedStream } from './continued-stream';
import { start, token } from './test-events';

const stats = (tokens: number, maxTokens: number) => ({ tokens, maxTokens }) as GenerationStats;

function streamOf(events: StreamEvent[], pulls = { count: 0 }): ReadableStream<StreamEvent> {
  let i = 0;
  return new ReadableStream<StreamEvent>(
    {
      pull(controller) {
        pulls.count++;
        const next = events[i++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

async function readAll(stream: ReadableStream<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for (const reader = stream.getReader(); ;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

const lost: StreamEvent = { type: 'error', name: 'GpuLost', message: 'GPU lost — continuing on CPU', tokenIds: [7, 8] };

describe('continuedStream', () => {
  it('goes on after a lost GPU from the ids so far, as one answer: indices, text, ids and counts run on', async () => {
    const carried: unknown[] = [];
    const first = streamOf([start(10), token(7, 0, 'He'), token(8, 1, 'llo'), lost]);
    const stream = continuedStream(first, async (notice, carry) => {
      carried.push(notice, carry);
      return streamOf([
        start(8),
        token(9, 0, ' world'),
        { type: 'stats', stats: stats(1, 8) },
        { type: 'done', reason: 'length', text: ' world', tokenIds: [9], stats: stats(1, 8) },
      ]);
    });
    const events = await readAll(stream);
    expect(carried).toEqual(['GPU lost — continuing on CPU', { ids: [7, 8], maxTokens: 8 }]);
    expect(events.map((e) => e.type)).toEqual(['start', 'token', 'token', 'token', 'stats', 'done']);
    expect(events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.index : -1))).toEqual([0, 1, 2]);
    expect(events[4]).toMatchObject({ stats: { tokens: 3, maxTokens: 10 } });
    expect(events[5]).toMatchObject({ text: 'Hello world', tokenIds: [7, 8, 9], stats: { tokens: 3, maxTokens: 10 } });
  });

  it('ends with a named error and every id so far when the reload fails, or when no room was left', async () => {
    const failing = continuedStream(streamOf([start(10), token(7, 0, 'a'), lost]), async () => {
      throw Object.assign(new Error('No cache and no network.'), { name: 'NetworkError' });
    });
    expect((await readAll(failing)).at(-1)).toEqual({
      type: 'error',
      name: 'NetworkError',
      message: 'No cache and no network.',
      tokenIds: [7, 8],
    });
    const full = continuedStream(streamOf([start(2), token(7, 0, 'a'), token(8, 1, 'b'), lost]), async (_, carry) => {
      expect(carry).toBeNull();
      return null;
    });
    expect((await readAll(full)).at(-1)).toMatchObject({ type: 'error', name: 'GenerationError', tokenIds: [7, 8] });
  });

  it('reads the engine only as fast as its reader: one event per read, none ahead', async () => {
    const pulls = { count: 0 };
    const reader = continuedStream(
      streamOf([start(10), token(1, 0, 'a'), token(2, 1, 'b')], pulls),
      async () => null,
    ).getReader();
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 10));
    expect(pulls.count).toBe(2);
    await reader.cancel();
  });
});
