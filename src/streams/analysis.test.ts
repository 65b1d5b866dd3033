import { describe, expect, it } from 'vitest';
import { analyzeText, StreamAnalyzer } from './analysis';

describe('StreamAnalyzer', () => {
  it('counts words, unique words, sentences and average word length', () => {
    const a = analyzeText('The cat sat. The cat ran! Did it? yes');
    expect(a).toMatchObject({ chars: 37, words: 9, uniqueWords: 7, sentences: 4 });
    expect(a.averageWordLength).toBeCloseTo(26 / 9);
  });

  it('gives the same figures however the text is split into tokens (words split across tokens)', () => {
    const text = "Héllo wörld... it's 42 o'clock!\n\nNew para — naïve café? Ünïcode_words end";
    const whole = analyzeText(text);
    for (const size of [1, 2, 3, 7]) {
      const s = new StreamAnalyzer();
      for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
      expect(s.snapshot()).toEqual(whole);
    }
    expect(whole.sentences).toBe(4);
  });

  it('does not count punctuation-only runs as sentences or words', () => {
    expect(analyzeText('... !!! ?')).toMatchObject({ words: 0, sentences: 0, averageWordLength: 0 });
    expect(analyzeText('')).toMatchObject({ chars: 0, words: 0, uniqueWords: 0, sentences: 0 });
  });

  it('reports chars/s over the active time it is given', () => {
    const s = new StreamAnalyzer();
    s.push('abcdefghij');
    expect(s.snapshot(500).charsPerSecond).toBe(20);
    expect(s.snapshot(0).charsPerSecond).toBeNull();
    expect(s.snapshot().charsPerSecond).toBeNull();
  });

  it('counts a partial trailing word once it is complete, without double-counting uniques', () => {
    const s = new StreamAnalyzer();
    s.push('go go');
    expect(s.snapshot()).toMatchObject({ words: 2, uniqueWords: 1 });
    s.push('ne');
    expect(s.snapshot()).toMatchObject({ words: 2, uniqueWords: 2 });
    s.push(' ');
    expect(s.snapshot()).toMatchObject({ words: 2, uniqueWords: 2 });
  });
});
