import { describe, expect, it } from 'vitest';
import { splitThinking, ThinkSplitter, type ThinkPieces } from './think';

/** Streams `chunks` through one splitter and joins what it emitted, per side. */
function stream(chunks: readonly string[], options?: { startThinking?: boolean }) {
  const splitter = new ThinkSplitter(options);
  const pieces: ThinkPieces[] = chunks.map((c) => splitter.push(c));
  pieces.push(splitter.flush());
  return {
    thinking: pieces.map((p) => p.thinking).join(''),
    answer: pieces.map((p) => p.answer).join(''),
    pieces,
    splitter,
  };
}

const QWEN3 = '<think>\nThe user greets me.\nI greet back.\n</think>\n\nHello! How can I help?';

describe('ThinkSplitter', () => {
  it('splits whole-tag tokens (Qwen3: <think> and </think> are single tokens)', () => {
    const r = stream([
      '<think>',
      '\n',
      'The user',
      ' greets me.',
      '\nI greet back.\n',
      '</think>',
      '\n\n',
      'Hello!',
      ' How can I help?',
    ]);
    expect(r.thinking).toBe('The user greets me.\nI greet back.\n');
    expect(r.answer).toBe('Hello! How can I help?');
    expect(r.splitter.closed).toBe(true);
  });

  it('splits tags spelled out over several chunks, at every split point', () => {
    for (let a = 1; a < QWEN3.length - 1; a++) {
      for (const b of [a + 1, a + 3, a + 9]) {
        if (b >= QWEN3.length) continue;
        const r = stream([QWEN3.slice(0, a), QWEN3.slice(a, b), QWEN3.slice(b)]);
        expect({ a, b, thinking: r.thinking, answer: r.answer }).toEqual({
          a,
          b,
          thinking: 'The user greets me.\nI greet back.\n',
          answer: 'Hello! How can I help?',
        });
      }
    }
  });

  it('one character at a time: a partial tag is held back, never shown as answer or thinking', () => {
    const r = stream([...QWEN3]);
    expect(r.thinking).toBe('The user greets me.\nI greet back.\n');
    expect(r.answer).toBe('Hello! How can I help?');
    // Nothing of either tag ever leaked into a piece.
    for (const p of r.pieces) expect(`${p.thinking}${p.answer}`).not.toMatch(/[<>]/);
  });

  it('the thinking streams as it arrives (held back only while a tag may be arriving)', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.push('<think>')).toEqual({ thinking: '', answer: '' });
    expect(splitter.push('Let me see')).toEqual({ thinking: 'Let me see', answer: '' });
    expect(splitter.push(' now</')).toEqual({ thinking: ' now', answer: '' });
    expect(splitter.push('b')).toEqual({ thinking: '</b', answer: '' });
    expect(splitter.push('</think>Yes')).toEqual({ thinking: '', answer: 'Yes' });
  });

  it('an unclosed thinking section stays thinking to the end (stopped or cut off while thinking)', () => {
    const r = stream(['<think>', 'still going', ' </thi']);
    expect(r.thinking).toBe('still going </thi');
    expect(r.answer).toBe('');
    expect(r.splitter.closed).toBe(false);
    expect(r.splitter.sawThinking).toBe(true);
  });

  it('an answer with no thinking passes through untouched, leading whitespace included', () => {
    expect(stream(['Hello', ' world']).answer).toBe('Hello world');
    expect(stream(['  ', '\nHi']).answer).toBe('  \nHi');
    expect(stream(['<th', 'ree>']).answer).toBe('<three>');
    expect(stream(['<']).answer).toBe('<');
    const r = stream(['Hi']);
    expect(r.thinking).toBe('');
    expect(r.splitter.sawThinking).toBe(false);
  });

  it('only a <think> at the start opens a section; later tags are answer text', () => {
    const r = stream(['Use ', '<think>', ' tags', '</think>', '.']);
    expect(r.answer).toBe('Use <think> tags</think>.');
    expect(r.thinking).toBe('');
  });

  it('an empty thinking section (thinking turned off) leaves the answer alone', () => {
    const r = stream(['<think>', '\n\n', '</think>', '\n\n', 'Answer']);
    expect(r.thinking).toBe('');
    expect(r.answer).toBe('Answer');
    expect(r.splitter.closed).toBe(true);
  });

  it('startThinking: the prompt opened <think>, so the output starts inside it', () => {
    const r = stream(['\nhmm', '</think>', '\n\nok'], { startThinking: true });
    expect(r.thinking).toBe('hmm');
    expect(r.answer).toBe('ok');
  });

  it('holds back at most a tag (or the leading whitespace) per chunk: cost per token is the token', () => {
    const splitter = new ThinkSplitter();
    splitter.push('<think>');
    for (let i = 0; i < 1000; i++) {
      const out = splitter.push('word <');
      // Everything before the possible tag start is emitted at once.
      expect(out.thinking.length).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('splitThinking', () => {
  it('splits a finished message exactly as the stream did', () => {
    expect(splitThinking(QWEN3)).toEqual({
      thinking: 'The user greets me.\nI greet back.',
      thinkingDone: true,
      answer: 'Hello! How can I help?',
    });
    expect(splitThinking('Plain')).toEqual({ thinking: null, thinkingDone: false, answer: 'Plain' });
    expect(splitThinking('<think>cut off')).toEqual({ thinking: 'cut off', thinkingDone: false, answer: '' });
  });
});
