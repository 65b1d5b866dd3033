/** Length of the longest common prefix of two id sequences. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface ReusePlan {
  /** Cached tokens to keep: the cache is truncated to this length. */
  keep: number;
  /** The prompt suffix to feed. Never empty: the last prompt token is re-fed when all of it is cached, for its logits. */
  feed: number[];
}

/**
 * How much of a kept cache a new prompt can use. The cache holds exactly `cached` (prompt and
 * generated ids that were fed); everything after the first difference is stale and is dropped.
 */
export function planReuse(cached: readonly number[], prompt: readonly number[]): ReusePlan {
  const keep = Math.min(commonPrefixLength(cached, prompt), prompt.length - 1);
  return { keep: Math.max(0, keep), feed: prompt.slice(Math.max(0, keep)) };
}
