import { describe, expect, it } from 'vitest';
import { displayFilter, identityFilter } from './filters';
import { JsonAnswerTracker } from './json-answer';

describe('JsonAnswerTracker', () => {
  it('follows a fenced JSON answer as it grows and finishes it', () => {
    const answer = '```json\n{"name": "Ada", "langs": ["en", "fr"], "n": 3}\n```';
    const t = new JsonAnswerTracker(identityFilter);
    expect(t.update(answer.slice(0, 5))).toEqual({ kind: 'pending' });
    expect(t.update(answer.slice(0, 34))).toMatchObject({ kind: 'json', value: { name: 'Ada', langs: [] } });
    expect(t.update(answer, true)).toMatchObject({
      kind: 'json',
      complete: true,
      error: null,
      value: { name: 'Ada', langs: ['en', 'fr'], n: 3 },
    });
  });

  it('starts over when the text is replaced by a shorter one (a new run)', () => {
    const t = new JsonAnswerTracker(identityFilter);
    expect(t.update('Some prose')).toEqual({ kind: 'not-json' });
    expect(t.update('[1, ')).toMatchObject({ kind: 'json', value: [1] });
  });

  it('says not-json for prose and stops reading', () => {
    const t = new JsonAnswerTracker(identityFilter);
    expect(t.update('Hello {')).toEqual({ kind: 'not-json' });
    expect(t.update('Hello {"a": 1}')).toEqual({ kind: 'not-json' });
  });

  it('parses the filtered text, so a redacted value never reaches the view', () => {
    const t = new JsonAnswerTracker(() => displayFilter({ redactWords: 'secret', normalizeWhitespace: false }));
    t.update('{"k": "my sec');
    expect(t.update('{"k": "my secret"}', true)).toMatchObject({ value: { k: 'my ██████' }, complete: true });
  });
});
