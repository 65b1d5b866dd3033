import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../workers/protocol';
import { EventLog, parseNdjson, type StreamContext } from './event-log';

const ctx = (requestId: string): StreamContext => ({ requestId, owner: 'chat', model: 'demo', backend: 'wasm' });
const token = (index: number, text = `t${index}`): StreamEvent => ({
  type: 'token',
  id: index,
  text,
  index,
  timestamp: index,
});

describe('EventLog', () => {
  it('groups events by generation and exports NDJSON with the operation on every line', () => {
    const log = new EventLog();
    log.record({ type: 'start', requestId: 'a', promptTokens: 2, maxTokens: 2, timestamp: 1 }, ctx('a'), 10);
    log.record(token(0, 'Hi'), ctx('a'), 11);
    log.record(token(1, ' there'), ctx('a'), 12);
    expect(log.generations).toHaveLength(1);
    const lines = parseNdjson(log.toNdjson());
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual({
      t: 11,
      requestId: 'a',
      owner: 'chat',
      model: 'demo',
      backend: 'wasm',
      type: 'token',
      id: 0,
      text: 'Hi',
      index: 0,
      timestamp: 0,
    });
    expect(
      lines
        .filter((l) => l.type === 'token')
        .map((l) => l.text)
        .join(''),
    ).toBe('Hi there');
  });

  it('drops the oldest generations whole past the generation or event limit', () => {
    const log = new EventLog({ maxGenerations: 3, maxEvents: 10 });
    for (const id of ['a', 'b', 'c', 'd']) log.record(token(0), ctx(id));
    expect(log.generations.map((g) => g.requestId)).toEqual(['b', 'c', 'd']);
    for (let i = 1; i < 9; i++) log.record(token(i), ctx('d'));
    expect(log.size).toBeLessThanOrEqual(10);
    expect(log.generations.at(-1)?.events).toHaveLength(9);
    // The running generation is never cut, even alone over the limit.
    for (let i = 9; i < 20; i++) log.record(token(i), ctx('d'));
    expect(log.generations.map((g) => g.requestId)).toEqual(['d']);
    expect(log.size).toBe(20);
  });
});
