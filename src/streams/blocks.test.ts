import { describe, expect, it } from 'vitest';
import { BlockSplitter, FENCE_SPLIT_CHARS, LINE_SPLIT_CHARS, SOFT_BLOCK_CHARS, splitBlocks } from './blocks';

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

describe('long blocks', () => {
  const line = (i: number) => `Line ${i} of a long answer that never leaves a blank line between its lines.\n`;

  it('finishes a long run of lines into bounded blocks, so the live tail stays short', () => {
    const text = Array.from({ length: 60 }, (_, i) => line(i)).join('');
    const blocks = splitBlocks(text);
    expect(blocks.length).toBeGreaterThan(3);
    expect(blocks.join('')).toBe(text);
    for (const block of blocks) expect(block.length).toBeLessThanOrEqual(SOFT_BLOCK_CHARS + line(99).length);
  });

  it('never splits inside a code fence or before indented or marker lines', () => {
    const code = '```ts\n' + Array.from({ length: 60 }, (_, i) => `const x${i} = ${i};\n`).join('') + '```\n';
    expect(splitBlocks(code)).toEqual([code]);
    const list = Array.from({ length: 60 }, (_, i) => `- item ${i} with some words to make it longer\n`).join('');
    expect(splitBlocks(list)).toEqual([list]);
    const indented = 'Intro line\n' + Array.from({ length: 60 }, (_, i) => `    indented ${i} continues\n`).join('');
    expect(splitBlocks(indented)).toEqual([indented]);
  });

  it('splits the same way streamed token by token as all at once', () => {
    const text = Array.from({ length: 40 }, (_, i) => line(i)).join('');
    const splitter = new BlockSplitter();
    for (const ch of text) splitter.append(ch);
    expect([...splitter.blocks, splitter.tail].filter((b) => b !== '')).toEqual(splitBlocks(text));
  });
});

describe('BlockSplitter keeps the tail bounded on text that never ends', () => {
  it('closes and reopens a code fence that never ends', () => {
    const splitter = new BlockSplitter();
    splitter.append('```ts\n');
    for (let i = 0; i < 2000; i++) splitter.append(`const x${i} = ${i};\n`);
    expect(splitter.tail.length).toBeLessThan(FENCE_SPLIT_CHARS + 100);
    expect(splitter.blocks.length).toBeGreaterThan(1);
    for (const block of splitter.blocks) expect(block.startsWith('```ts\n') && block.endsWith('```\n')).toBe(true);
    expect(splitter.tail.startsWith('```ts\n')).toBe(true);
  });

  it('splits a line that never ends at a space before a word', () => {
    const splitter = new BlockSplitter();
    for (let i = 0; i < 3000; i++) splitter.append('word ');
    expect(splitter.tail.length).toBeLessThanOrEqual(LINE_SPLIT_CHARS + 10);
    expect(splitter.blocks.join('') + splitter.tail).toBe('word '.repeat(3000));
  });
});
