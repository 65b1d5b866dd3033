import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING_DRAFT, fieldFromEngineMessage, parseSampling } from './sampling';

describe('parseSampling', () => {
  it('turns the default form into engine params', () => {
    expect(parseSampling(DEFAULT_SAMPLING_DRAFT)).toEqual({
      params: { maxTokens: 256, temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1.1 },
      errors: {},
    });
  });

  it('reports out-of-range values with the engine wording, per field', () => {
    const { errors } = parseSampling({
      ...DEFAULT_SAMPLING_DRAFT,
      maxTokens: '1.5',
      temperature: '9',
      topP: '0',
      repetitionPenalty: '',
      seed: '-1',
    });
    expect(errors.maxTokens).toBe('maxTokens must be an integer from 1 to 100000 (got 1.5). Lower max tokens.');
    expect(errors.temperature).toBe('temperature must be a number from 0 to 5 (got 9). Use 0 for greedy decoding.');
    expect(errors.topP).toMatch(/^topP must be greater than 0 and at most 1 \(got 0\)/);
    expect(errors.repetitionPenalty).toMatch(/got nothing/);
    expect(errors.seed).toMatch(/^seed must be an integer/);
  });

  it('reads stop sequences one per line and limits them to 8', () => {
    expect(parseSampling({ ...DEFAULT_SAMPLING_DRAFT, stop: 'END\n\n###' }).params.stop).toEqual(['END', '###']);
    const many = Array.from({ length: 9 }, (_, i) => `s${i}`).join('\n');
    expect(parseSampling({ ...DEFAULT_SAMPLING_DRAFT, stop: many }).errors.stop).toMatch(/at most 8/);
  });

  it('accepts an explicit seed and leaves it out when empty', () => {
    expect(parseSampling({ ...DEFAULT_SAMPLING_DRAFT, seed: '42' }).params.seed).toBe(42);
    expect('seed' in parseSampling(DEFAULT_SAMPLING_DRAFT).params).toBe(false);
  });
});

describe('fieldFromEngineMessage', () => {
  it('finds the field an engine InvalidParams message names', () => {
    expect(fieldFromEngineMessage('topK must be an integer from 0 to 1024 (got 5000). Use 0 to disable top-k.')).toBe(
      'topK',
    );
    expect(fieldFromEngineMessage('stop[2] must be a non-empty string')).toBe('stop');
    expect(fieldFromEngineMessage('Give exactly one of `messages` or `prompt`.')).toBeNull();
  });
});
