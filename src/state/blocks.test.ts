import { describe, expect, it } from 'vitest';
import { BlockSplitter, splitBlocks } from './blocks';

describe('BlockSplitter', () => {
  it('splits at blank lines and keeps the unfinished block as the tail', () => {
    const s = new BlockSplitter();
    expect(s.append('First para.\n\nSecond')).toBe(true);
    expect(s.blocks).toEqual(['First para.\n']);
    expect(s.tail).toBe('Second');
  });

  it('does not split inside a code fence, even at blank lines', () => {
    const text = 'Intro\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nAfter';
    expect(splitBlocks(text)).toEqual(['Intro\n', '```js\nconst a = 1;\n\nconst b = 2;\n```\n', 'After']);
  });

  it('gives the same blocks whether text arrives at once or a character at a time', () => {
    const text = '# Title\n\nSome *text*.\n\n~~~\ncode\n\n~~~\n\n- a\n- b\n\n\n\nend\n';
    const s = new BlockSplitter();
    for (const ch of text) s.append(ch);
    expect([...s.blocks, s.tail].filter((b) => b.trim())).toEqual(splitBlocks(text));
  });

  it('never changes a finished block (the UI memoizes them)', () => {
    const s = new BlockSplitter();
    s.append('one\n\ntwo');
    const first = s.blocks[0];
    s.append(' more\n\nthree\n\n');
    expect(s.blocks[0]).toBe(first);
    expect(s.blocks).toEqual(['one\n', 'two more\n', 'three\n']);
  });

  it('rescans only the tail: a long message is not rescanned per append', () => {
    const s = new BlockSplitter();
    for (let i = 0; i < 1000; i++) s.append(`para ${i}\n\n`);
    expect(s.blocks).toHaveLength(1000);
    expect(s.tail).toBe('');
  });
});
