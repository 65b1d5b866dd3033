import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { FeedStopped } from './feed-stopped';
import { KvCache } from './kv-cache';

/**
 * A model whose logits row for a position holds the number of tokens seen up to it, and whose
 * present keys hold every token id fed so far, so a test can check what each pass was given.
 */
function countingModel(vocab: number, withLogitsToKeep = false) {
  const passes: { inputs: number; mask: number; past: number; keep: number | null }[] = [];
  const model = {
    config: { vocab_size: vocab },
    sessions: { model: { inputNames: withLogitsToKeep ? ['input_ids', 'num_logits_to_keep'] : ['input_ids'] } },
    forward: async (inputs: Record<string, Tensor | Record<string, Tensor>>) => {
      const ids = Array.from((inputs.input_ids as Tensor).data as BigInt64Array, Number);
      const past = inputs.past_key_values as Record<string, Tensor> | undefined;
      const pastIds = past?.['past_key_values.0.key']
        ? Array.from(past['past_key_values.0.key'].data as Float32Array)
        : [];
      const keepTensor = inputs.num_logits_to_keep as Tensor | undefined;
      const keep = keepTensor ? Number((keepTensor.data as BigInt64Array)[0]) : null;
      passes.push({
        inputs: ids.length,
        mask: (inputs.attention_mask as Tensor).dims[1] ?? 0,
        past: pastIds.length,
        keep,
      });
      const rows = keep ?? ids.length;
      const logits = new Float32Array(rows * vocab);
      for (let r = 0; r < rows; r++)
        logits.fill(pastIds.length + ids.length - rows + r + 1, r * vocab, (r + 1) * vocab);
      const all = Float32Array.from([...pastIds, ...ids]);
      return {
        logits: new Tensor('float32', logits, [1, rows, vocab]),
        'present.0.key': new Tensor('float32', all, [1, 1, all.length, 1]),
        'present.0.value': new Tensor('float32', all, [1, 1, all.length, 1]),
      };
    },
  };
  return { model: model as unknown as PreTrainedModel, passes };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('KvCache.feed', () => {
  it('prefills a long prompt in chunks, each after the ones before, and returns the last position', async () => {
    // 49,152 tokens of vocabulary: 64 MB of logits a pass is 341 positions.
    const { model, passes } = countingModel(49_152);
    const cache = new KvCache(model);
    expect(cache.prefillChunk()).toBe(341);
    const rows = await cache.feed(range(1000));
    expect(passes.map((p) => p.inputs)).toEqual([341, 341, 318]);
    expect(passes.map((p) => p.past)).toEqual([0, 341, 682]);
    expect(passes.map((p) => p.mask)).toEqual([341, 682, 1000]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe(1000);
    expect(cache.ids).toEqual(range(1000));
  });

  it('feeds a short prompt and a draft verification in one pass, returning every asked-for row', async () => {
    const { model, passes } = countingModel(49_152);
    const cache = new KvCache(model);
    await cache.feed(range(300));
    const rows = await cache.feed([7, 8, 9], 3);
    expect(passes.map((p) => p.inputs)).toEqual([300, 3]);
    expect(rows.map((r) => r[0])).toEqual([301, 302, 303]);
  });

  it('sizes chunks by the vocabulary, within 32 and 512 tokens', async () => {
    expect(new KvCache(countingModel(1000).model).prefillChunk()).toBe(512);
    expect(new KvCache(countingModel(151_936).model).prefillChunk()).toBe(110);
    expect(new KvCache(countingModel(2_000_000).model).prefillChunk()).toBe(32);
  });

  it('asks graphs with num_logits_to_keep for one row on the chunks nobody reads', async () => {
    const { model, passes } = countingModel(151_936, true);
    const cache = new KvCache(model);
    expect(cache.prefillChunk()).toBe(512);
    const rows = await cache.feed(range(1100));
    expect(passes.map((p) => [p.inputs, p.keep])).toEqual([
      [512, 1],
      [512, 1],
      [76, 1],
    ]);
    expect(rows[0]?.[0]).toBe(1100);
  });

  it('asks between chunks whether to go on, and on a stop keeps exactly the chunks fed', async () => {
    const { model, passes } = countingModel(49_152);
    const cache = new KvCache(model);
    let asked = 0;
    const stopAfterTwo = async () => ++asked === 2;
    await expect(cache.feed(range(1400), 1, stopAfterTwo)).rejects.toEqual(new FeedStopped(682));
    expect(asked).toBe(2);
    expect(passes.map((p) => p.inputs)).toEqual([341, 341]);
    expect(cache.ids).toEqual(range(682));
    // Never asked after the last chunk, nor for a feed of one chunk.
    let never = 0;
    await cache.feed([1, 2, 3], 1, async () => ++never > 0);
    expect(never).toBe(0);
  });
});
