import { describe, expect, it } from 'vitest';
import { EngineError } from './errors';
import { validateRequest } from './validate';

const ok = { prompt: 'Hello' };

function rejects(request: object): EngineError {
  try {
    validateRequest(request, 1000);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected a rejection');
}

describe('validateRequest', () => {
  it('fills defaults for a plain prompt', () => {
    const v = validateRequest({ ...ok, seed: 3 }, 1000);
    expect(v).toMatchObject({ prompt: 'Hello', maxTokens: 256, seed: 3, stop: [] });
  });

  it.each([
    [{ ...ok, temperature: Number.NaN }, 'temperature', 'NaN'],
    [{ ...ok, temperature: -1 }, 'temperature', 'from 0 to 5'],
    [{ ...ok, maxTokens: 0 }, 'maxTokens', 'from 1 to 100000'],
    [{ ...ok, maxTokens: 1e9 }, 'maxTokens', 'Lower max tokens'],
    [{ ...ok, maxTokens: 2.5 }, 'maxTokens', 'an integer'],
    [{ ...ok, topK: 5000 }, 'topK', 'from 0 to 1000'],
    [{ ...ok, topP: 0 }, 'topP', 'greater than 0'],
    [{ ...ok, topP: 1.5 }, 'topP', 'from 0 to 1'],
    [{ ...ok, repetitionPenalty: 0 }, 'repetitionPenalty', 'from 0.1 to 10'],
    [{ ...ok, seed: -4 }, 'seed', 'an integer'],
    [{ ...ok, stop: [''] }, 'stop[0]', 'non-empty'],
    [{ ...ok, stop: Array(9).fill('x') }, 'stop', 'at most 8'],
  ])('names the field and the limit: %o', (request, field, text) => {
    const error = rejects(request);
    expect(error.name).toBe('InvalidParams');
    expect(error.message.startsWith(field)).toBe(true);
    expect(error.message).toContain(text);
  });

  it('rejects an empty prompt and an empty conversation', () => {
    expect(rejects({ prompt: '   ' }).message).toMatch(/prompt is empty/);
    expect(rejects({ messages: [] }).message).toMatch(/messages is empty/);
    expect(rejects({ messages: [{ role: 'user', content: '' }] }).message).toMatch(/last message/);
    expect(rejects({}).message).toMatch(/exactly one/);
    expect(rejects({ messages: [{ role: 'robot', content: 'x' }] }).message).toMatch(/messages\[0\]/);
  });
});

describe('validateRequest bounds message text like the prompt', () => {
  it('refuses an over-long message, too many messages, and too much text in all', () => {
    const user = (content: string) => ({ role: 'user' as const, content });
    expect(() => validateRequest({ messages: [user('x'.repeat(100_001))] }, 100)).toThrow(
      /messages\[0\]\.content must be at most 100000 characters/,
    );
    expect(() => validateRequest({ messages: Array.from({ length: 1001 }, () => user('x')) }, 100)).toThrow(
      /at most 1000 messages/,
    );
    expect(() =>
      validateRequest({ messages: Array.from({ length: 11 }, () => user('x'.repeat(99_999))) }, 100),
    ).toThrow(/at most 1000000 characters in all/);
  });
});

describe('validateRequest continueIds', () => {
  const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };
  it('accepts the ids of an answer to go on from, and defaults to none', () => {
    expect(validateRequest(ask, 100).continueIds).toEqual([]);
    expect(validateRequest({ ...ask, continueIds: [0, 5, 99] }, 100).continueIds).toEqual([0, 5, 99]);
  });
  it('refuses ids outside the vocabulary, by index', () => {
    expect(() => validateRequest({ ...ask, continueIds: [1, 100] }, 100)).toThrow(/continueIds\[1\]/);
    expect(() => validateRequest({ ...ask, continueIds: [1.5] }, 100)).toThrow(EngineError);
  });
});
