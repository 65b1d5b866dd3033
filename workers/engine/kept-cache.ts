import type { PreTrainedModel } from '@huggingface/transformers';
import type { CacheUse, EngineStatus } from '../protocol';
import { KvCache, type CacheCounters } from './kv-cache';
import { commonPrefixLength, planReuse } from './prefix';

/**
 * The engine's one kept KV cache between generations. Memory is bounded: one cache at most,
 * freed on unload and model switch, and by an idle timer (`keepCacheMs` of the last request).
 */
export class KeptCache {
  private cache: KvCache | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly counters: CacheCounters) {}

  /**
   * Hands the kept cache to a new generation, cut back to what it shares with `promptIds`
   * (Regenerate and an edited message roll back this way), or a fresh one.
   */
  async take(
    model: PreTrainedModel,
    promptIds: number[],
    evicted: number,
  ): Promise<{ cache: KvCache; use: CacheUse; feed: number[] }> {
    this.clearTimer();
    let cache = this.cache;
    this.cache = null;
    if (cache && cache.model !== model) {
      await cache.dispose();
      cache = null;
    }
    cache ??= new KvCache(model, this.counters);
    const held = cache.length;
    const common = commonPrefixLength(cache.ids, promptIds);
    try {
      await cache.truncate(planReuse(cache.ids, promptIds).keep);
    } catch {
      // A failed cut leaves nothing trustworthy: start from an empty cache instead.
      await cache.dispose();
    }
    const reused = cache.length;
    const reuseMiss =
      held === 0
        ? 'no-cache'
        : common < Math.min(held, promptIds.length)
          ? evicted > 0
            ? 'eviction'
            : 'prompt-changed'
          : null;
    return {
      cache,
      feed: promptIds.slice(reused),
      use: { reusedTokens: reused, prefilledTokens: promptIds.length - reused, evictedMessages: evicted, reuseMiss },
    };
  }

  async keep(cache: KvCache, idleMs: number): Promise<void> {
    await this.free();
    if (idleMs <= 0 || cache.length === 0) {
      await cache.dispose();
      return;
    }
    this.cache = cache;
    this.timer = setTimeout(() => void this.free(), idleMs);
  }

  async free(): Promise<void> {
    this.clearTimer();
    const cache = this.cache;
    this.cache = null;
    await cache?.dispose();
  }

  describe(): EngineStatus['kvCache'] {
    const c = this.cache;
    return c ? { tokens: c.length, bytes: c.bytes(), location: c.location() } : null;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
