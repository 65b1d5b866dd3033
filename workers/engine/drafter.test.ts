import { describe, expect, it } from 'vitest';
import { NgramDrafter } from './drafter';

describe('NgramDrafter', () => {
  it('proposes what followed the earlier occurrence of the last n tokens', () => {
    const d = new NgramDrafter([1, 2, 3, 4, 5, 9, 1, 2]);
    expect(d.propose(3)).toEqual([3, 4, 5]);
  });

  it('prefers the longest matching n-gram', () => {
    // The 3-gram [1, 3, 2] was followed by 5; the later 2-gram [3, 2] by 6.
    const d = new NgramDrafter([1, 3, 2, 5, 0, 3, 2, 6, 1, 3, 2], { maxNgram: 3, minNgram: 2 });
    expect(d.propose(1)).toEqual([5]);
  });

  it('uses the latest occurrence among equally long matches', () => {
    const d = new NgramDrafter([4, 4, 1, 4, 4, 2, 4, 4]);
    expect(d.propose(1)).toEqual([2]);
  });

  it('stops the draft at the end of the sequence and at k', () => {
    const d = new NgramDrafter([5, 6, 5, 6]);
    expect(d.propose(10)).toEqual([5, 6]);
    expect(d.propose(1)).toEqual([5]);
    expect(d.propose(0)).toEqual([]);
  });

  it('proposes nothing without a match, and picks up new tokens as they are pushed', () => {
    const d = new NgramDrafter([1, 2, 3]);
    expect(d.propose(4)).toEqual([]);
    d.push(9, 1, 2);
    expect(d.propose(4)).toEqual([3, 9, 1, 2]);
  });

  it('never matches the suffix against itself', () => {
    expect(new NgramDrafter([7, 7]).propose(2)).toEqual([]);
    expect(new NgramDrafter([7, 7, 7]).propose(2)).toEqual([7]);
  });
});
