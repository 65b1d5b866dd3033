import { describe, expect, it } from 'vitest';
import { GeneratedIds } from './generated-ids';

describe('GeneratedIds', () => {
  it('fills assistant messages that come back as text alone, and leaves the rest', () => {
    const g = new GeneratedIds();
    g.remember('Hello there', [5, 6]);
    expect(
      g.fill([
        { role: 'user', content: 'Hello there' },
        { role: 'assistant', content: 'Hello there' },
        { role: 'assistant', content: 'Hello there', tokenIds: [9] },
        { role: 'assistant', content: 'Other' },
      ]),
    ).toEqual([
      { role: 'user', content: 'Hello there' },
      { role: 'assistant', content: 'Hello there', tokenIds: [5, 6] },
      { role: 'assistant', content: 'Hello there', tokenIds: [9] },
      { role: 'assistant', content: 'Other' },
    ]);
  });

  it('forgets the oldest past its capacity, and everything on clear', () => {
    const g = new GeneratedIds(2);
    g.remember('a', [1]);
    g.remember('b', [2]);
    g.remember('c', [3]);
    const filled = g.fill(['a', 'b', 'c'].map((content) => ({ role: 'assistant' as const, content })));
    expect(filled.map((m) => m.tokenIds)).toEqual([undefined, [2], [3]]);
    g.clear();
    expect(g.fill([{ role: 'assistant', content: 'c' }])[0]?.tokenIds).toBeUndefined();
  });
});
