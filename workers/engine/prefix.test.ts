import { describe, expect, it } from 'vitest';
import { commonPrefixLength, planReuse } from './prefix';

describe('commonPrefixLength', () => {
  it('counts equal leading ids', () => {
    expect(commonPrefixLength([1, 2, 3, 4], [1, 2, 9, 4])).toBe(2);
    expect(commonPrefixLength([1, 2], [1, 2, 3])).toBe(2);
    expect(commonPrefixLength([], [1])).toBe(0);
    expect(commonPrefixLength([5], [6])).toBe(0);
  });
});

describe('planReuse', () => {
  it('feeds only the suffix after the common prefix', () => {
    expect(planReuse([1, 2, 3, 4, 5], [1, 2, 3, 7, 8])).toEqual({ keep: 3, feed: [7, 8] });
  });

  it('a new turn extends the cache: keep all of it, feed the new tokens', () => {
    expect(planReuse([1, 2, 3], [1, 2, 3, 4, 5])).toEqual({ keep: 3, feed: [4, 5] });
  });

  it('re-feeds the last prompt token when the whole prompt is cached (regenerate), for its logits', () => {
    expect(planReuse([1, 2, 3, 4, 5, 6], [1, 2, 3, 4])).toEqual({ keep: 3, feed: [4] });
    expect(planReuse([1], [1])).toEqual({ keep: 0, feed: [1] });
  });

  it('an unrelated prompt keeps nothing', () => {
    expect(planReuse([9, 9], [1, 2])).toEqual({ keep: 0, feed: [1, 2] });
    expect(planReuse([], [1, 2])).toEqual({ keep: 0, feed: [1, 2] });
  });
});
