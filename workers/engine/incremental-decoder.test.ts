import { describe, expect, it } from 'vitest';
import { IncrementalDecoder, MAX_PENDING_TOKENS } from './incremental-decoder';

/** A byte-level "tokenizer": each token is one byte, decoded like a real BPE decode (lossy on broken UTF-8). */
const decodeBytes = (ids: readonly number[]) => new TextDecoder().decode(Uint8Array.from(ids));

function stream(text: string, chunk: (bytes: number[]) => number[][]) {
  const bytes = Array.from(new TextEncoder().encode(text));
  const decoder = new IncrementalDecoder(decodeBytes);
  const pieces: string[] = [];
  for (const group of chunk(bytes)) for (const id of group) pieces.push(decoder.push(id));
  pieces.push(decoder.flush());
  return pieces;
}

describe('IncrementalDecoder', () => {
  it('never emits U+FFFD for characters split across tokens', () => {
    const text = 'héllo — 日本語 👩‍💻 done';
    const pieces = stream(text, (b) => [b]);
    expect(pieces.join('')).toBe(text);
    expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(false);
  });

  it('emits a 4-byte emoji only when its last byte arrives', () => {
    const decoder = new IncrementalDecoder(decodeBytes);
    const bytes = Array.from(new TextEncoder().encode('🙂'));
    expect(bytes.slice(0, 3).map((b) => decoder.push(b))).toEqual(['', '', '']);
    expect(decoder.push(bytes[3] as number)).toBe('🙂');
  });

  it('keeps work per token bounded by the window', () => {
    let decodedLengths = 0;
    const decoder = new IncrementalDecoder((ids) => {
      decodedLengths += ids.length;
      return decodeBytes(ids);
    });
    for (const b of new TextEncoder().encode('a'.repeat(5000))) decoder.push(b);
    expect(decodedLengths).toBeLessThan(5000 * 4);
  });
});

describe('IncrementalDecoder on runs that never decode', () => {
  it('lets go of a run of undecodable tokens after MAX_PENDING_TOKENS, so the window cannot grow', () => {
    let longest = 0;
    const decoder = new IncrementalDecoder((ids) => {
      longest = Math.max(longest, ids.length);
      return decodeBytes(ids);
    });
    // 0xC3 opens a two-byte character that never gets its second byte.
    const out = Array.from({ length: 1000 }, () => decoder.push(0xc3)).join('') + decoder.flush();
    expect(longest).toBeLessThanOrEqual(2 * MAX_PENDING_TOKENS);
    expect(out.length).toBeGreaterThan(0);
  });

  it('still joins a character split across tokens after a long run', () => {
    const decoder = new IncrementalDecoder(decodeBytes);
    for (let i = 0; i < 50; i++) decoder.push(0xff);
    const bytes = Array.from(new TextEncoder().encode('é'));
    expect(bytes.map((b) => decoder.push(b)).join('')).toContain('é');
  });
});
