/**
 * A `KvCache.feed` that its `betweenChunks` ended (a Stop during a long prefill), after `fed` of
 * its tokens; the cache then holds exactly those. Control flow inside the worker, never sent.
 */
export class FeedStopped extends Error {
  override name = 'FeedStopped';
  constructor(readonly fed: number) {
    super(`the feed was stopped after ${fed} tokens`);
  }
}
