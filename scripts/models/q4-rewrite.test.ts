/**
 * The engine's q4 rewrite (workers/engine/q4-rewrite) on the replicas' real MatMulNBits files:
 * no MatMulNBits is left, everything else is untouched, and under onnxruntime-web's WASM EP the
 * rewritten graph gives the same greedy ids over 64 tokens as the file as shipped, with logits
 * within a stated tolerance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { onnx as OnnxTypes } from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfToFloat } from '../../common/float16';
import { dequantizeNBits } from '../../workers/engine/q4-rewrite/dequantize';
import { rewriteMatMulNBits } from '../../workers/engine/q4-rewrite/rewrite';
import { onnx } from './onnx-builder';
import { quantizeBlockwise4Bit } from './quantize';
import { generateIntoTemp, readConfig, removeDir } from './test-support';

const OPTIMUM = 'qwen2.5-0.5b-instruct-tiny';
const GENAI = 'smollm2-135m-instruct-tiny';

let dir = '';
beforeAll(() => {
  dir = generateIntoTemp('q4-rewrite', [OPTIMUM, GENAI]);
  ort.env.wasm.numThreads = 1;
}, 120_000);
afterAll(() => removeDir(dir));

const fileOf = (name: string, file: string) => new Uint8Array(readFileSync(join(dir, name, 'onnx', file)));
const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph as OnnxTypes.GraphProto;
const asFloat = (t: ort.Tensor) =>
  t.type === 'float16' ? Float32Array.from(t.data as Uint16Array, halfToFloat) : (t.data as Float32Array);
const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > (a[best] ?? -Infinity) ? i : best), 0);

describe('dequantizeNBits', () => {
  it('inverts the generator’s blockwise quantization to (q − 8) × scale, laid out [K, N]', () => {
    const K = 64;
    const N = 3;
    const w = Float32Array.from({ length: K * N }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));
    const { packed, scales } = quantizeBlockwise4Bit(w, K, N);
    const dense = dequantizeNBits({ K, N, blockSize: 32, packed, scales, zeroPoints: null }, 'fp32');
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) {
        const scale = scales[n * 2 + (k >> 5)] ?? 0;
        // Within one quantization step of the original weight (half a step, except where +8 is clamped to 7).
        expect(Math.abs((dense[k * N + n] ?? 0) - (w[k * N + n] ?? 0))).toBeLessThanOrEqual(Math.abs(scale) + 1e-6);
      }
  });

  it('reads packed zero points per column, low nibble first, and K past the last full block', () => {
    const K = 40; // two blocks of 32, the second padded
    const packed = new Uint8Array(2 * 16).fill(0x53); // q = 3 (low), 5 (high)
    const dense = dequantizeNBits(
      { K, N: 1, blockSize: 32, packed, scales: Float32Array.of(2, 0.5), zeroPoints: { packed: Uint8Array.of(0x41) } },
      'fp32',
    );
    expect(dense).toHaveLength(40);
    expect([dense[0], dense[1]]).toEqual([(3 - 1) * 2, (5 - 1) * 2]); // block 0: zero point 1
    expect([dense[32], dense[33], dense[39]]).toEqual([(3 - 4) * 0.5, (5 - 4) * 0.5, (5 - 4) * 0.5]); // block 1: 4
  });
});

async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
}

/** Greedy decoding with the KV cache, as the engine runs it; returns the ids and every step's logits. */
async function greedy(s: ort.InferenceSession, name: string, prompt: number[], steps: number) {
  const c = readConfig(dir, name);
  const kvType = (s.inputMetadata.find((m) => m.name === 'past_key_values.0.key') as { type?: string } | undefined)
    ?.type as 'float32' | 'float16';
  const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [1, a.length]);
  let past: ort.InferenceSession.OnnxValueMapType | null = null;
  let seen = 0;
  let feed = prompt;
  const ids: number[] = [];
  const logits: Float32Array[] = [];
  for (let step = 0; step < steps; step++) {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: i64(feed),
      attention_mask: i64(Array<number>(seen + feed.length).fill(1)),
      position_ids: i64(feed.map((_, i) => seen + i)),
    };
    for (let l = 0; l < c.num_hidden_layers; l++)
      for (const kind of ['key', 'value'])
        feeds[`past_key_values.${l}.${kind}`] =
          (past?.[`present.${l}.${kind}`] as ort.Tensor | undefined) ??
          new ort.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [
            1,
            c.num_key_value_heads,
            0,
            c.head_dim,
          ]);
    const out = await s.run(feeds);
    const all = asFloat(out['logits'] as ort.Tensor);
    const last = all.subarray(all.length - c.vocab_size);
    const next = argmax(last);
    ids.push(next);
    logits.push(Float32Array.from(last));
    seen += feed.length;
    feed = [next];
    past = out;
  }
  return { ids, logits };
}

const PROMPT = [11, 2200, 3303, 404, 5505, 66, 7007, 808];

describe.each([
  // Measured: 0.0066 and 0.0073 (fp16 weights), 0 (fp32: the same arithmetic as ORT's own
  // dequantization), 0.0156 and 0.0078 (q4f16: two fp16 ulps of a logit near 10).
  [GENAI, 'model_q4.onnx', 'fp16', 0.02],
  [GENAI, 'model_q4.onnx', 'fp32', 0],
  [GENAI, 'model_q4f16.onnx', 'fp16', 0.03],
  [OPTIMUM, 'model_q4.onnx', 'fp16', 0.02],
  [OPTIMUM, 'model_q4f16.onnx', 'fp32', 0.03],
] as const)('%s %s rewritten with %s weights', (name, file, dense, tolerance) => {
  it('has no MatMulNBits left and keeps every other node and initializer', () => {
    const original = fileOf(name, file);
    const { bytes, report } = rewriteMatMulNBits(original, dense);
    expect(bytes).not.toBeNull();
    const before = decode(original);
    const after = decode(bytes ?? new Uint8Array());
    const nbits = before.node.filter((n) => n.opType === 'MatMulNBits');
    expect(report.rewritten).toBe(nbits.length);
    expect(report.kept).toEqual([]);
    expect(after.node.filter((n) => n.opType === 'MatMulNBits')).toHaveLength(0);
    expect(after.node.filter((n) => n.opType === 'MatMul').length).toBe(
      before.node.filter((n) => n.opType === 'MatMul').length + nbits.length,
    );
    const others = (g: OnnxTypes.GraphProto) =>
      g.node.filter((n) => !n.name?.includes('/q4_rewrite') && n.opType !== 'MatMulNBits').map((n) => n.name);
    expect(others(after)).toEqual(others(before));
    const packed = new Set(nbits.flatMap((n) => (n.input ?? []).slice(1, 3)));
    const kept = (g: OnnxTypes.GraphProto) =>
      g.initializer.filter((t) => !packed.has(t.name ?? '') && !t.name?.endsWith('_dequantized')).map((t) => t.name);
    expect(kept(after)).toEqual(kept(before));
    expect([...after.input.map((i) => i.name)]).toEqual([...before.input.map((i) => i.name)]);
    expect([...after.output.map((i) => i.name)]).toEqual([...before.output.map((i) => i.name)]);
  });

  it(`gives the same greedy ids over 64 tokens, logits within ${tolerance} (absolute)`, async () => {
    const original = fileOf(name, file);
    const shipped = await session(original);
    const rewritten = await session(rewriteMatMulNBits(original, dense).bytes ?? new Uint8Array());
    const a = await greedy(shipped, name, PROMPT, 64);
    const b = await greedy(rewritten, name, PROMPT, 64);
    await Promise.all([shipped.release(), rewritten.release()]);
    expect(b.ids).toEqual(a.ids);
    // Absolute, on the logits a model produces (the replicas boost a few planted tokens by +2e4).
    let diff = 0;
    for (let step = 0; step < a.logits.length; step++) {
      const x = a.logits[step] ?? new Float32Array();
      const y = b.logits[step] ?? new Float32Array();
      for (let i = 0; i < x.length; i++)
        if (Math.abs(x[i] ?? 0) < 1000) diff = Math.max(diff, Math.abs((x[i] ?? 0) - (y[i] ?? 0)));
    }
    expect(diff).toBeLessThanOrEqual(tolerance);
  }, 60_000);
});

describe('what the rewrite leaves alone', () => {
  it('returns null for a file with no MatMulNBits (the fp32 file)', () => {
    const { bytes, report } = rewriteMatMulNBits(fileOf(GENAI, 'model.onnx'), 'fp16');
    expect(bytes).toBeNull();
    expect(report.rewritten).toBe(0);
  });
});

describe('a model too large once unpacked', () => {
  it('stays as shipped, and the report says how large it would be', () => {
    const file = fileOf(GENAI, 'model_q4.onnx');
    const { bytes, report } = rewriteMatMulNBits(file, 'auto', { maxModelBytes: file.byteLength });
    expect(bytes).toBeNull();
    expect(report.rewritten).toBe(0);
    expect(report.kept).toHaveLength(1);
    expect(report.kept[0]?.why).toMatch(
      /^unpacked to fp16, the model would be about [\d.]+ [KM]B, past the [\d.]+ [KM]B it may take$/,
    );
  });

  it('auto takes fp32 when it fits and fp16 when only that fits', () => {
    const file = fileOf(GENAI, 'model_q4.onnx');
    const fp32 = rewriteMatMulNBits(file, 'fp32');
    const fp16 = rewriteMatMulNBits(file, 'fp16');
    const size = (r: typeof fp32) => r.bytes?.byteLength ?? 0;
    expect(size(fp16)).toBeLessThan(size(fp32));
    expect(rewriteMatMulNBits(file, 'auto').report.dense).toBe('fp32');
    const between = rewriteMatMulNBits(file, 'auto', { maxModelBytes: size(fp16) + 1 });
    expect(between.report.dense).toBe('fp16');
    // Buffer.equals, not toEqual: a deep equal walks the megabytes element by element (4.4 s
    // here, past the 5 s timeout on a loaded CI machine).
    expect(Buffer.from(between.bytes ?? []).equals(Buffer.from(fp16.bytes ?? [1]))).toBe(true);
  });
});
