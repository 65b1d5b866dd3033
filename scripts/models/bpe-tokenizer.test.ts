import { describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS, bytesToUnicode, padVocabulary, toTokenizerJson, trainBpe } from './bpe-tokenizer';
import { TRAINING_CORPUS } from './corpus';

describe('bytesToUnicode', () => {
  it('is a bijection onto 256 distinct single characters', () => {
    const table = bytesToUnicode();
    expect(new Set(table).size).toBe(256);
    expect(table[0x41]).toBe('A');
    expect(table[0x20]).toBe('\u0120');
    expect(table[0x0a]).toBe('\u010a');
  });
});

describe('trainBpe', () => {
  const bpe = trainBpe(TRAINING_CORPUS, { vocabSize: 1024 });

  it('lays out specials, then the 256 bytes, then merges, with contiguous ids', () => {
    SPECIAL_TOKENS.forEach((token, i) => expect(bpe.vocab.get(token)).toBe(i));
    const ids = [...bpe.vocab.values()].sort((a, b) => a - b);
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(bpe.vocab.size).toBeLessThanOrEqual(1024);
    // The embedded corpus supports several hundred merges at min frequency 2.
    expect(bpe.merges.length).toBeGreaterThan(500);
  });

  it('only merges known symbols into known tokens', () => {
    for (const [left, right] of bpe.merges) {
      expect(bpe.vocab.has(left)).toBe(true);
      expect(bpe.vocab.has(right)).toBe(true);
      expect(bpe.vocab.has(left + right)).toBe(true);
    }
  });

  it('is deterministic', () => {
    const again = trainBpe(TRAINING_CORPUS, { vocabSize: 1024 });
    expect(again.merges).toEqual(bpe.merges);
    expect([...again.vocab]).toEqual([...bpe.vocab]);
  });

  it('stops at the requested size', () => {
    expect(trainBpe(TRAINING_CORPUS, { vocabSize: 300 }).vocab.size).toBe(300);
  });
});

describe('padVocabulary', () => {
  it('pads deterministically with fresh tokens and keeps existing ids', () => {
    const bpe = trainBpe(TRAINING_CORPUS, { vocabSize: 400 });
    const padded = padVocabulary(bpe, 5000, 7);
    expect(padded.vocab.size).toBe(5000);
    for (const [token, id] of bpe.vocab) expect(padded.vocab.get(token)).toBe(id);
    expect([...padVocabulary(bpe, 5000, 7).vocab]).toEqual([...padded.vocab]);
    expect(padded.merges).toBe(bpe.merges);
  });
});

describe('toTokenizerJson', () => {
  it('emits a byte-level BPE tokenizer.json with the specials as added tokens', () => {
    const json = toTokenizerJson(trainBpe(TRAINING_CORPUS, { vocabSize: 300 })) as {
      added_tokens: Array<{ id: number; content: string; special: boolean }>;
      pre_tokenizer: { type: string };
      decoder: { type: string };
      model: { type: string; merges: string[]; vocab: Record<string, number> };
    };
    expect(json.model.type).toBe('BPE');
    expect(json.pre_tokenizer.type).toBe('ByteLevel');
    expect(json.decoder.type).toBe('ByteLevel');
    expect(json.added_tokens.map((t) => [t.id, t.content, t.special])).toEqual([
      [0, '<|endoftext|>', true],
      [1, '<|im_start|>', true],
      [2, '<|im_end|>', true],
    ]);
    expect(json.model.merges).toHaveLength(300 - 259);
    expect(json.model.merges.every((m) => m.split(' ').length === 2)).toBe(true);
  });
});
