import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../workers/protocol';
import { ContinuedAnswer } from './continued-answer';
import { start, token } from './test-events';

describe('ContinuedAnswer', () => {
  it('passes a single run through untouched', () => {
    const answer = new ContinuedAnswer();
    const events = [start(10), token(7, 0, 'a'), token(8, 1, 'b')];
    expect(events.map((e) => answer.map(e))).toEqual(events);
  });

  it('maps the continuation onto the answer: indices go on, its start is dropped, done holds the whole answer', () => {
    const answer = new ContinuedAnswer();
    answer.map(start(10));
    answer.map(token(7, 0, 'He'));
    answer.map(token(8, 1, 'llo'));
    const carry = answer.carryOver({ type: 'error', name: 'GpuLost', message: 'GPU lost', tokenIds: [7, 8] }, 'Hello');
    expect(carry).toEqual({ ids: [7, 8], maxTokens: 8 });
    expect(answer.map(start(8, 7))).toBeNull();
    expect(answer.map(token(9, 0, ' world'))).toMatchObject({ index: 2, id: 9 });
    const done = answer.map({
      type: 'done',
      reason: 'length',
      text: ' world',
      tokenIds: [9],
      stats: {} as never,
    } as StreamEvent);
    expect(done).toMatchObject({ text: 'Hello world', tokenIds: [7, 8, 9] });
  });

  it('a second loss carries every id so far; no room left is null', () => {
    const answer = new ContinuedAnswer();
    answer.map(start(3));
    expect(answer.carryOver({ type: 'error', name: 'GpuLost', message: '', tokenIds: [1, 2] }, 'ab')).toEqual({
      ids: [1, 2],
      maxTokens: 1,
    });
    expect(answer.carryOver({ type: 'error', name: 'GpuLost', message: '', tokenIds: [3] }, 'abc')).toBeNull();
  });
});
