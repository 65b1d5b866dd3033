import { describe, expect, it } from 'vitest';
import {
  applyFilter,
  chainFilters,
  displayFilter,
  parseRedaction,
  redactFilter,
  whitespaceFilter,
  type TextFilter,
} from './filters';

function streamed(filter: TextFilter, chunks: readonly string[]): string {
  return chunks.map((c) => filter.push(c)).join('') + filter.flush();
}

function splits(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const redact = (setting: string) => redactFilter(parseRedaction(setting).rules);

describe('redaction', () => {
  it('replaces each listed word with █ of the same length, case-insensitively, even inside words', () => {
    expect(applyFilter(redact('secret, Bob'), 'My SECRET is bobcat and secrets.')).toBe(
      'My ██████ is ███cat and ██████s.',
    );
  });

  it('redacts a word split over tokens, whatever the split', () => {
    const text = 'the password is hunter2, yes hunter2!';
    const expected = 'the password is ███████, yes ███████!';
    for (const size of [1, 2, 3, 5]) expect(streamed(redact('hunter2'), splits(text, size))).toBe(expected);
    expect(streamed(redact('hunter2'), ['the password is hun', 'ter', '2, yes h', 'unter2!'])).toBe(expected);
  });

  it('never emits a character of a match before the match is complete', () => {
    const f = redact('secret');
    expect(f.push('a sec')).toBe('a ');
    expect(f.push('re')).toBe('');
    expect(f.push('t ok')).toBe('██████ ok');
    expect(f.push('se')).toBe('');
    expect(f.flush()).toBe('se');
  });

  it('keeps masking a match that ends inside text held back for another word', () => {
    expect(streamed(redact('abc, cx'), ['ab', 'c', 'y'])).toBe('███y');
  });

  it('matches /regex/ entries, including across tokens, and reports invalid ones', () => {
    const { rules, errors } = parseRedaction('/\\d{3}-\\d{4}/, /[/');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Redact words: \/\[\/ is not a valid regular expression/);
    const text = 'call 555-1234 now';
    for (const size of [1, 2, 4]) expect(streamed(redactFilter(rules), splits(text, size))).toBe('call ████████ now');
  });

  it('is the identity with no rules', () => {
    expect(streamed(redact(' , '), ['a', 'b'])).toBe('ab');
  });
});

describe('whitespace normaliser', () => {
  it('collapses runs, keeps single line breaks and blank lines, trims the ends', () => {
    expect(applyFilter(whitespaceFilter(), '  a   b\t c\n  d\n\n\n\ne  ')).toBe('a b c\nd\n\ne');
  });

  it('gives the same output in any split', () => {
    const text = ' x  y \n z\n \n\n w ';
    const whole = applyFilter(whitespaceFilter(), text);
    for (const size of [1, 2, 3]) expect(streamed(whitespaceFilter(), splits(text, size))).toBe(whole);
  });
});

describe('filter chain', () => {
  it('applies filters in order, flushing through later filters', () => {
    const chain = chainFilters([whitespaceFilter(), redact('a b')]);
    // Normalising first turns "a   b" into "a b", which redaction then catches.
    expect(streamed(chain, ['x a ', '  b', ' y'])).toBe('x ███ y');
  });

  it('streaming equals one-shot filtering for the settings chain, on many splits', () => {
    const settings = { redactWords: 'lorem, ipsum dolor, /s[aeiou]t/', normalizeWhitespace: true };
    const text = 'Lorem  ipsum\n\n\ndolor sit amet, lorem ipsum dolor set  sat. loREm';
    const whole = applyFilter(displayFilter(settings), text);
    expect(whole).not.toMatch(/lorem/i);
    for (const size of [1, 2, 3, 4, 6, 11]) expect(streamed(displayFilter(settings), splits(text, size))).toBe(whole);
  });
});
