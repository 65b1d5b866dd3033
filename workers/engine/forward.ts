import type { PreTrainedModel } from '@huggingface/transformers';
import { KvCache } from './kv-cache';

/** One tiny pass so shader compilation and allocation happen during load, not on the user's first token. */
export async function runWarmup(model: PreTrainedModel): Promise<void> {
  const cache = new KvCache(model);
  try {
    await cache.feed([0]);
  } finally {
    await cache.dispose();
  }
}
