/**
 * Runs the generated graphs directly with onnxruntime-node (the runtime
 * transformers.js uses in Node) to check numerics independent of generate().
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIntoTemp, pseudoRandomIds, readConfig, removeDir, type ModelConfigJson } from './test-support';

let dir = '';
beforeAll(() => {
  dir = generateIntoTemp('ort', ['demo', 'eos-test']);
});
afterAll(() => removeDir(dir));

interface Runner {
  readonly config: ModelConfigJson;
  /** Logits [batch, seq, vocab] plus the present.* cache of one forward pass. */
  run(
    ids: number[][],
    mask: number[][],
    positions: number[][],
    past?: Record<string, ort.Tensor>,
  ): Promise<{ logits: Float32Array; present: Record<string, ort.Tensor> }>;
}

async function runner(name: string, file = 'model.onnx'): Promise<Runner> {
  const config = readConfig(dir, name);
  const session = await ort.InferenceSession.create(join(dir, name, 'onnx', file));
  const i64 = (rows: number[][]) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
      [rows.length, rows[0]?.length ?? 0],
    );
  return {
    config,
    async run(ids, mask, positions, past) {
      const feeds: Record<string, ort.Tensor> = {
        input_ids: i64(ids),
        attention_mask: i64(mask),
        position_ids: i64(positions),
      };
      for (let l = 0; l < config.num_hidden_layers; l++) {
        for (const kind of ['key', 'value']) {
          const empty = new ort.Tensor('float32', new Float32Array(0), [
            ids.length,
            config.num_key_value_heads,
            0,
            config.head_dim,
          ]);
          feeds[`past_key_values.${l}.${kind}`] = past?.[`present.${l}.${kind}`] ?? empty;
        }
      }
      const out = await session.run(feeds);
      const present = Object.fromEntries(Object.entries(out).filter(([key]) => key.startsWith('present.')));
      return { logits: out['logits']?.data as Float32Array, present };
    },
  };
}

const row = (logits: Float32Array, vocab: number, index: number) => logits.subarray(index * vocab, (index + 1) * vocab);
/**
 * Max |a - b| over the logits that are not pushed to ±1e4 by the fixed bias: at that
 * magnitude one float32 ulp is ~1e-3, so only the ordinary logits can meet 1e-4.
 */
const maxAbsDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => (Math.abs(v) > 1000 ? m : Math.max(m, Math.abs(v - (b[i] ?? NaN)))), 0);
const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > (a[best] ?? -Infinity) ? i : best), 0);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('demo graph under onnxruntime-node', () => {
  it('KV-cache decoding matches full recomputation', async () => {
    const m = await runner('demo');
    const V = m.config.vocab_size;
    const ids = pseudoRandomIds(20, m.config.typewriter.tokenizerTokens, 11);
    const full = await m.run([ids], [ids.map(() => 1)], [range(0, ids.length)]);

    // Prefill all but the last token, then one cached step.
    const prefill = await m.run([ids.slice(0, -1)], [ids.slice(0, -1).map(() => 1)], [range(0, ids.length - 1)]);
    const step = await m.run([ids.slice(-1)], [ids.map(() => 1)], [[ids.length - 1]], prefill.present);
    expect(maxAbsDiff(row(step.logits, V, 0), row(full.logits, V, ids.length - 1))).toBeLessThan(1e-4);

    // Uneven chunks: 7 + 8 + 5 tokens.
    let past: Record<string, ort.Tensor> | undefined;
    for (const [from, to] of [
      [0, 7],
      [7, 15],
      [15, 20],
    ] as const) {
      const chunk = await m.run([ids.slice(from, to)], [range(0, to).map(() => 1)], [range(from, to)], past);
      for (let i = from; i < to; i++) {
        expect(maxAbsDiff(row(chunk.logits, V, i - from), row(full.logits, V, i))).toBeLessThan(1e-4);
      }
      past = chunk.present;
    }
  });

  it('left padding in a batch does not change the padded row', async () => {
    const m = await runner('demo');
    const V = m.config.vocab_size;
    const long = pseudoRandomIds(12, m.config.typewriter.tokenizerTokens, 5);
    const short = long.slice(0, 9);
    const alone = await m.run([short], [short.map(() => 1)], [range(0, 9)]);
    // Same positions transformers.js derives: cumsum(mask) - 1, padding positions set to 1.
    const batch = await m.run(
      [[0, 0, 0, ...short], long],
      [[0, 0, 0, ...short.map(() => 1)], long.map(() => 1)],
      [[1, 1, 1, ...range(0, 9)], range(0, 12)],
    );
    for (let i = 0; i < 9; i++) {
      expect(maxAbsDiff(row(batch.logits, V, 3 + i), row(alone.logits, V, i))).toBeLessThan(1e-4);
    }
    // The padded query rows see no keys at all; they must still be finite (no NaN from softmax).
    expect(row(batch.logits, V, 0).every(Number.isFinite)).toBe(true);
  });

  it('stays finite over the full context window and never prefers a special token', async () => {
    const m = await runner('demo');
    const V = m.config.vocab_size;
    const n = 4096;
    const ids = pseudoRandomIds(n, m.config.typewriter.tokenizerTokens, 3);
    const { logits } = await m.run([ids], [ids.map(() => 1)], [range(0, n)]);
    expect(logits.length).toBe(n * V);
    expect(logits.every(Number.isFinite)).toBe(true);
    for (const i of [0, 100, 2048, n - 1]) expect(argmax(row(logits, V, i))).toBeGreaterThan(2);
  }, 60_000);
});

describe('eos-test graph', () => {
  it('prefers <|im_end|> exactly on rows whose position id is >= K', async () => {
    const m = await runner('eos-test');
    const V = m.config.vocab_size;
    const K = m.config.typewriter.eos.position ?? NaN;
    const n = K + 10;
    const ids = pseudoRandomIds(n, m.config.typewriter.tokenizerTokens, 9);
    const { logits } = await m.run([ids], [ids.map(() => 1)], [range(0, n)]);
    for (let i = 0; i < n; i++) {
      const best = argmax(row(logits, V, i));
      if (i >= K) expect(best, `row ${i}`).toBe(m.config.eos_token_id);
      else expect(best, `row ${i}`).toBeGreaterThan(2);
    }
  });
});

describe('q8 graph', () => {
  it('is close to fp32', async () => {
    const fp32 = await runner('demo');
    const q8 = await runner('demo', 'model_quantized.onnx');
    const V = fp32.config.vocab_size;
    const ids = pseudoRandomIds(16, fp32.config.typewriter.tokenizerTokens, 21);
    const a = await fp32.run([ids], [ids.map(() => 1)], [range(0, 16)]);
    const b = await q8.run([ids], [ids.map(() => 1)], [range(0, 16)]);
    let agree = 0;
    for (let i = 0; i < 16; i++) {
      const ra = row(a.logits, V, i);
      const rb = row(b.logits, V, i);
      expect(maxAbsDiff(ra, rb)).toBeLessThan(0.5);
      if (argmax(ra) === argmax(rb)) agree++;
    }
    expect(agree).toBeGreaterThanOrEqual(14);
  });
});
