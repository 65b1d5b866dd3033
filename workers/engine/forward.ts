import { DynamicCache, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { emptyCacheForSymbolicHeadDim } from './empty-cache';

/**
 * One forward pass of a decoder with its KV cache. We call `model.forward`
 * directly (not `generate()`) so the decode loop can pause between passes,
 * wait for the reader, and sample with its own seeded sampler.
 */
export class KvSession {
  private cache: DynamicCache | null = null;
  private length = 0;

  constructor(private readonly model: PreTrainedModel) {
    this.cache = emptyCacheForSymbolicHeadDim(model);
  }

  /** Feeds `ids` after everything fed so far; returns the logits of the last position. */
  async step(ids: readonly number[]): Promise<Float32Array> {
    this.length += ids.length;
    const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const mask = new Tensor('int64', new BigInt64Array(this.length).fill(1n), [1, this.length]);
    const outputs = (await this.model.forward({
      input_ids: inputIds,
      attention_mask: mask,
      ...(this.cache ? { past_key_values: this.cache } : {}),
    })) as Record<string, Tensor>;

    const present: Record<string, Tensor> = {};
    for (const name in outputs) {
      if (name.startsWith('present')) present[name.replace('present', 'past_key_values')] = outputs[name] as Tensor;
    }
    if (this.cache) this.cache.update(present);
    else this.cache = new DynamicCache(present);

    const logits = outputs.logits as Tensor;
    const [, seq = 1, vocab = 0] = logits.dims;
    const rows = logits.type === 'float32' ? logits : logits.to('float32');
    const data = rows.data as Float32Array;
    // A copy: the sampler edits it, and the tensor's buffer may be reused.
    return data.slice((seq - 1) * vocab, seq * vocab);
  }

  async dispose(): Promise<void> {
    await this.cache?.dispose();
    this.cache = null;
  }
}

/** One tiny pass so shader compilation and allocation happen during load, not on the user's first token. */
export async function runWarmup(model: PreTrainedModel): Promise<void> {
  const session = new KvSession(model);
  try {
    await session.step([0]);
  } finally {
    await session.dispose();
  }
}
