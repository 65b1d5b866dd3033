import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { FeedStopped } from './feed-stopped';
import { KvCache } from './kv-cache';
import { CHUNK_MS, FIRST_CHUNK } from './prefill-pace';

/**
 * A model whose logits row for a position holds the number of tokens seen up to it, and whose
 * present keys hold every token id fed so far, so a test can check what each pass was given. Each
 * pass advances `clock` by `passMs(past, tokens)` (1 ms a token unless told).
 */
function countingModel(
  vocab: number,
  withLogitsToKeep = false,
  passMs: (past: number, tokens: number) => number = (_, n) => n,
) {
  const passes: { inputs: number; mask: number; past: number; keep: number | null }[] = [];
  const clock = { ms: 0 };
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
      clock.ms += passMs(pastIds.length, ids.length);
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
  const typed = model as unknown as PreTrainedModel;
  return { model: typed, passes, cache: () => new KvCache(typed, undefined, () => clock.ms) };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('KvCache.feed', () => {
  it('prefills a long prompt in chunks, each after the ones before, and returns the last position', async () => {
    // 49,152 tokens of vocabulary: 64 MB of logits a pass is 341 positions. The first chunk, at no known
    // pace, is 64 tokens; at 1 ms a token the next would take 1,000, so memory bounds them.
    const { passes, cache: newCache } = countingModel(49_152);
    const cache = newCache();
    expect(cache.memoryChunk()).toBe(341);
    expect(cache.prefillChunk()).toBe(FIRST_CHUNK);
    const rows = await cache.feed(range(1000));
    expect(passes.map((p) => p.inputs)).toEqual([64, 341, 341, 254]);
    expect(passes.map((p) => p.past)).toEqual([0, 64, 405, 746]);
    expect(passes.map((p) => p.mask)).toEqual([64, 405, 746, 1000]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe(1000);
    expect(cache.ids).toEqual(range(1000));
  });

  it('feeds a prompt within one chunk and a draft verification in one pass, returning every asked-for row', async () => {
    const { passes, cache: newCache } = countingModel(49_152);
    const cache = newCache();
    await cache.feed(range(60));
    const rows = await cache.feed([7, 8, 9], 3);
    expect(passes.map((p) => p.inputs)).toEqual([60, 3]);
    expect(rows.map((r) => r[0])).toEqual([61, 62, 63]);
  });

  it('bounds chunks by memory: by the vocabulary, within 32 and 512 tokens', async () => {
    expect(countingModel(1000).cache().memoryChunk()).toBe(512);
    expect(countingModel(151_936).cache().memoryChunk()).toBe(110);
    expect(countingModel(2_000_000).cache().memoryChunk()).toBe(32);
  });

  it('sizes chunks to about a second from the pace of the pass before, as the context slows it', async () => {
    // 20 ms a token up to 300 tokens of context, 40 ms past it: 50 tokens fit a second, so 64-token chunks (the
    // nearest power of two), then, once a pass has shown the slower pace, 25, so 32.
    const { passes, cache: newCache } = countingModel(1000, false, (past, n) => n * (past < 300 ? 20 : 40));
    const cache = newCache();
    await cache.feed(range(500));
    expect(passes.map((p) => p.inputs)).toEqual([64, 64, 64, 64, 64, 64, 32, 32, 32, 20]);
    // Within 1.5 s but the one pass that met the slower pace first.
    const ms = passes.map((p) => p.inputs * (p.past < 300 ? 20 : 40));
    expect(ms.filter((m) => m > CHUNK_MS * 1.5)).toEqual([64 * 40]);
    expect(cache.ids).toEqual(range(500));
  });

  it("shares a model's pace among its caches, and decode passes leave it alone", async () => {
    // 200 ms of fixed cost a pass and 10 ms a token: 40 tokens take 600 ms, 15 ms a token; 66 fit a second, so 64.
    const { passes, cache: newCache } = countingModel(1000, false, (_, n) => 200 + 10 * n);
    const warm = newCache();
    await warm.feed(range(40));
    // A decode pass is nearly all fixed cost (210 ms for its one token): counted, it would shrink chunks to 8.
    for (let i = 0; i < 3; i++) await warm.feed([1]);
    await warm.dispose();
    const chat = newCache();
    expect(chat.prefillChunk()).toBe(64);
    await chat.feed(range(100));
    expect(passes.slice(4).map((p) => p.inputs)).toEqual([64, 36]);
  });

  it('asks graphs with num_logits_to_keep for one row on the chunks nobody reads', async () => {
    const { passes, cache: newCache } = countingModel(151_936, true);
    const cache = newCache();
    expect(cache.memoryChunk()).toBe(512);
    const rows = await cache.feed(range(1100));
    expect(passes.map((p) => [p.inputs, p.keep])).toEqual([
      [64, 1],
      [512, 1],
      [512, 1],
      [12, 1],
    ]);
    expect(rows[0]?.[0]).toBe(1100);
  });

  it('asks between chunks whether to go on, and on a stop keeps exactly the chunks fed', async () => {
    const { passes, cache: newCache } = countingModel(49_152);
    const cache = newCache();
    let asked = 0;
    const stopAfterTwo = async () => ++asked === 2;
    await expect(cache.feed(range(1400), 1, stopAfterTwo)).rejects.toEqual(new FeedStopped(405));
    expect(asked).toBe(2);
    expect(passes.map((p) => p.inputs)).toEqual([64, 341]);
    expect(cache.ids).toEqual(range(405));
    // Never asked after the last chunk, nor for a feed of one chunk.
    let never = 0;
    await cache.feed([1, 2, 3], 1, async () => ++never > 0);
    expect(never).toBe(0);
  });
});
