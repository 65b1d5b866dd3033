import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-matcher';

function feed(matcher: StopMatcher, pieces: string[]) {
  let out = '';
  for (const piece of pieces) {
    const r = matcher.push(piece);
    out += r.emit;
    if (r.matched) return { out, matched: true };
  }
  return { out: out + matcher.flush(), matched: false };
}

describe('StopMatcher', () => {
  it('finds a sequence split across three tokens and emits none of it', () => {
    const m = new StopMatcher(['<END>']);
    expect(m.push('Hello <').emit).toBe('Hello ');
    expect(m.push('EN')).toEqual({ emit: '', matched: false });
    expect(m.push('D> tail')).toEqual({ emit: '', matched: true });
  });

  it('releases held text when the prefix turns out not to match', () => {
    const m = new StopMatcher(['###']);
    expect(m.push('a #')).toEqual({ emit: 'a ', matched: false });
    expect(m.push('#b')).toEqual({ emit: '##b', matched: false });
  });

  it('stops at the earliest of several sequences', () => {
    expect(feed(new StopMatcher(['world', 'lo w']), ['hel', 'lo world'])).toEqual({ out: 'hel', matched: true });
  });

  it('passes everything through with no sequences and flushes held text at the end', () => {
    expect(feed(new StopMatcher([]), ['a', 'b'])).toEqual({ out: 'ab', matched: false });
    expect(feed(new StopMatcher(['xyz']), ['abc x'])).toEqual({ out: 'abc x', matched: false });
  });

  it('matches text before the sequence inside one piece', () => {
    expect(feed(new StopMatcher(['\n\nUser:']), ['Sure.\n\nUser: hi'])).toEqual({ out: 'Sure.', matched: true });
  });
});
