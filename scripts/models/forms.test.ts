/**
 * The replicas in the exporters' real graph forms: exact node types and domains per
 * form and dtype, every file runs in onnxruntime-web's WASM backend (the `wasm` EP, not
 * native code), KV-cache decoding equals full recomputation, external data is declared
 * and loads, and transformers.js generates from them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, type Tensor } from '@huggingface/transformers';
import type { onnx as OnnxTypes } from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfToFloat } from '../../common/float16';
import { DataType, MS_DOMAIN, onnx } from './onnx-builder';
import { findSpec } from './specs';
import { generateIntoTemp, hashTree, removeDir, useLocalModels } from './test-support';
import { onnxFileOf, precisionsOf } from './write-model';

const OPTIMUM = 'qwen2.5-0.5b-instruct-tiny';
const GENAI = 'qwen3-0.6b-tiny';
const LLAMA = 'llama-3.2-1b-instruct-tiny';
const SMOL = 'smollm2-135m-instruct-tiny';

let dir = '';
beforeAll(() => {
  dir = generateIntoTemp('forms', [OPTIMUM, GENAI, LLAMA, SMOL]);
  ort.env.wasm.numThreads = 1;
}, 120_000);
afterAll(() => removeDir(dir));

const graphOf = (name: string, file: string): OnnxTypes.GraphProto => {
  const model = onnx.ModelProto.decode(readFileSync(join(dir, name, file)));
  if (!model.graph) throw new Error(`${file} has no graph`);
  return model.graph as OnnxTypes.GraphProto;
};
const nodes = (g: OnnxTypes.GraphProto) => g.node as OnnxTypes.NodeProto[];
const opTypes = (g: OnnxTypes.GraphProto) => new Set(nodes(g).map((n) => `${n.domain ?? ''}:${n.opType}`));
const count = (g: OnnxTypes.GraphProto, op: string) => nodes(g).filter((n) => n.opType === op).length;
const elemType = (info: OnnxTypes.IValueInfoProto) => info.type?.tensorType?.elemType;
const ioTypes = (g: OnnxTypes.GraphProto, name: string) =>
  [...g.input, ...g.output].filter((i) => i.name === name).map(elemType);
const config = (name: string) =>
  JSON.parse(readFileSync(join(dir, name, 'config.json'), 'utf8')) as Record<string, unknown> & {
    num_hidden_layers: number;
    num_key_value_heads: number;
    head_dim: number;
    vocab_size: number;
  };

describe('replica generation', () => {
  it('is byte-for-byte deterministic', () => {
    const again = generateIntoTemp('forms-again', [SMOL]);
    try {
      expect(hashTree(join(again, SMOL))).toEqual(hashTree(join(dir, SMOL)));
    } finally {
      removeDir(again);
    }
  });
});

describe('Optimum form', () => {
  it('fp32 is plain ONNX ops with float32 I/O', () => {
    const g = graphOf(OPTIMUM, 'onnx/model.onnx');
    for (const op of opTypes(g)) expect(op.startsWith(':'), op).toBe(true);
    expect(count(g, 'MatMulInteger')).toBe(0);
    expect(ioTypes(g, 'logits')).toEqual([DataType.FLOAT]);
  });

  it('fp16 keeps inputs, outputs and KV float32 with Casts at the boundary', () => {
    const g = graphOf(OPTIMUM, 'onnx/model_fp16.onnx');
    const { num_hidden_layers: L } = config(OPTIMUM);
    expect(ioTypes(g, 'past_key_values.0.key')).toEqual([DataType.FLOAT]);
    expect(ioTypes(g, 'present.0.key')).toEqual([DataType.FLOAT]);
    expect(ioTypes(g, 'logits')).toEqual([DataType.FLOAT]);
    const big = (g.initializer as OnnxTypes.TensorProto[]).filter((t) => t.dims.length === 2);
    expect(big.length).toBeGreaterThan(0);
    for (const t of big) expect(t.dataType, t.name).toBe(DataType.FLOAT16);
    const outputCasts = nodes(g).filter((n) => n.opType === 'Cast' && g.output.some((o) => o.name === n.output[0]));
    expect(outputCasts).toHaveLength(1 + 2 * L);
  });

  it('q8 is DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul with an int8 embedding Gather', () => {
    const g = graphOf(OPTIMUM, 'onnx/model_quantized.onnx');
    const { num_hidden_layers: L } = config(OPTIMUM);
    expect(count(g, 'MatMulInteger')).toBe(7 * L + 1);
    expect(count(g, 'DynamicQuantizeLinear')).toBe(7 * L + 1);
    for (const mm of nodes(g).filter((n) => n.opType === 'MatMulInteger')) {
      const cast = nodes(g).find((n) => n.input[0] === mm.output[0]);
      expect(cast?.opType).toBe('Cast');
      expect(nodes(g).find((n) => n.input[0] === cast?.output[0])?.opType).toBe('Mul');
    }
    const gather = nodes(g).find((n) => n.opType === 'Gather' && n.input[1] === 'input_ids');
    const table = (g.initializer as OnnxTypes.TensorProto[]).find((t) => t.name === gather?.input[0]);
    expect(table?.dataType).toBe(DataType.INT8);
    expect(nodes(g).find((n) => n.input[0] === gather?.output[0])?.opType).toBe('DequantizeLinear');
    expect(count(g, 'MatMul')).toBe(2 * L); // only the attention products stay float
  });

  it('int8 is the q8 file; uint8 stores asymmetric uint8 weights with per-channel zero points', () => {
    const graphBytes = (file: string) => Buffer.from(onnx.GraphProto.encode(graphOf(OPTIMUM, file)).finish());
    expect(graphBytes('onnx/model_int8.onnx').equals(graphBytes('onnx/model_quantized.onnx'))).toBe(true);
    const g = graphOf(OPTIMUM, 'onnx/model_uint8.onnx');
    const init = new Map((g.initializer as OnnxTypes.TensorProto[]).map((t) => [t.name, t]));
    const matmuls = nodes(g).filter((n) => n.opType === 'MatMulInteger');
    expect(matmuls).toHaveLength(7 * config(OPTIMUM).num_hidden_layers + 1);
    for (const n of matmuls) {
      expect(init.get(n.input[1] ?? '')?.dataType).toBe(DataType.UINT8);
      const zeroPoint = init.get(n.input[3] ?? '');
      expect(zeroPoint?.dataType).toBe(DataType.UINT8);
      expect(zeroPoint?.dims.map(Number)).toEqual([init.get(n.input[1] ?? '')?.dims.map(Number)[1]]);
    }
  });

  it('q4 is MatMulNBits (bits 4, block 32, symmetric) with uint8 B [N, K/32, 16] and a float embedding', () => {
    for (const [file, scaleType] of [
      ['onnx/model_q4.onnx', DataType.FLOAT],
      ['onnx/model_q4f16.onnx', DataType.FLOAT16],
    ] as const) {
      const g = graphOf(OPTIMUM, file);
      const init = new Map((g.initializer as OnnxTypes.TensorProto[]).map((t) => [t.name, t]));
      const nbits = nodes(g).filter((n) => n.opType === 'MatMulNBits');
      expect(nbits).toHaveLength(7 * config(OPTIMUM).num_hidden_layers + 1);
      for (const n of nbits) {
        expect(n.domain).toBe(MS_DOMAIN);
        const attrs = Object.fromEntries(n.attribute.map((a) => [a.name, Number(a.i)]));
        expect(n.input).toHaveLength(3); // no zero points
        const b = init.get(n.input[1] ?? '');
        expect(b?.dataType).toBe(DataType.UINT8);
        expect(b?.dims.map(Number)).toEqual([attrs['N'], (attrs['K'] ?? 0) / 32, 16]);
        expect(init.get(n.input[2] ?? '')?.dataType).toBe(scaleType);
        expect([attrs['bits'], attrs['block_size']]).toEqual([4, 32]);
      }
      const gather = nodes(g).find((n) => n.opType === 'Gather' && n.input[1] === 'input_ids');
      expect(init.get(gather?.input[0] ?? '')?.dataType).toBe(scaleType);
      expect(ioTypes(g, 'logits')).toEqual([DataType.FLOAT]);
    }
  });
});

describe('GenAI-builder form', () => {
  it('uses SimplifiedLayerNormalization, SkipSimplifiedLayerNormalization, RotaryEmbedding and GQA', () => {
    const g = graphOf(GENAI, 'onnx/model_q4f16.onnx');
    const { num_hidden_layers: L } = config(GENAI);
    expect(opTypes(g)).toEqual(
      new Set([
        ':Gather',
        ':ReduceSum',
        ':Sub',
        ':Cast',
        ':Shape',
        ':SimplifiedLayerNormalization',
        `${MS_DOMAIN}:SkipSimplifiedLayerNormalization`,
        `${MS_DOMAIN}:MatMulNBits`,
        ':Reshape',
        `${MS_DOMAIN}:RotaryEmbedding`,
        `${MS_DOMAIN}:GroupQueryAttention`,
        ':Sigmoid',
        ':Mul',
        ':Add',
      ]),
    );
    // One norm on the first layer input + q/k norms per layer; every later norm carries the residual.
    expect(count(g, 'SimplifiedLayerNormalization')).toBe(1 + 2 * L);
    expect(count(g, 'SkipSimplifiedLayerNormalization')).toBe(2 * L);
    expect(count(g, 'RotaryEmbedding')).toBe(2 * L);
    const gqa = nodes(g).filter((n) => n.opType === 'GroupQueryAttention');
    expect(gqa).toHaveLength(L);
    const producer = (t: string) => nodes(g).find((n) => n.output.includes(t));
    const seqlens = producer(gqa[0]?.input[5] ?? '');
    expect(seqlens?.opType).toBe('Cast');
    expect(producer(producer(seqlens?.input[0] ?? '')?.input[0] ?? '')?.opType).toBe('ReduceSum');
    expect(gqa[0]?.output.slice(1)).toEqual(['present.0.key', 'present.0.value']);
  });

  it('fp16 and q4f16 have float16 KV and logits; fp32 and q4 float32', () => {
    for (const [file, type] of [
      ['onnx/model.onnx', DataType.FLOAT],
      ['onnx/model_fp16.onnx', DataType.FLOAT16],
      ['onnx/model_q4.onnx', DataType.FLOAT],
      ['onnx/model_q4f16.onnx', DataType.FLOAT16],
    ] as const) {
      const g = graphOf(SMOL, file);
      for (const io of ['logits', 'past_key_values.0.key', 'present.1.value'])
        expect(ioTypes(g, io), `${file} ${io}`).toEqual([type]);
    }
  });

  it('SmolLM2 replicas have no q8 file; Qwen3 has q/k norm weights of head_dim', () => {
    expect(existsSync(join(dir, SMOL, 'onnx/model_quantized.onnx'))).toBe(false);
    const g = graphOf(SMOL, 'onnx/model.onnx');
    expect(count(g, 'SimplifiedLayerNormalization')).toBe(1);
    const qNorm = (graphOf(GENAI, 'onnx/model_fp16.onnx').initializer as OnnxTypes.TensorProto[]).find(
      (t) => t.name === 'model.layers.0.self_attn.q_norm.weight',
    );
    expect(qNorm?.dims.map(Number)).toEqual([config(GENAI).head_dim]);
  });
});

describe('external data', () => {
  it('is declared in transformers.js_config and written as model.onnx_data / _data + _data_1', () => {
    expect((config(GENAI)['transformers.js_config'] as Record<string, unknown>)['use_external_data_format']).toEqual({
      'model.onnx': true,
    });
    expect((config(LLAMA)['transformers.js_config'] as Record<string, unknown>)['use_external_data_format']).toEqual({
      'model.onnx': true,
      'model_fp16.onnx': 2,
    });
    for (const file of ['model.onnx_data', 'model_fp16.onnx_data', 'model_fp16.onnx_data_1']) {
      expect(existsSync(join(dir, LLAMA, 'onnx', file)), file).toBe(true);
    }
    expect(existsSync(join(dir, LLAMA, 'onnx/model_fp16.onnx_data_2'))).toBe(false);
    const g = graphOf(LLAMA, 'onnx/model_fp16.onnx');
    const locations = new Set(
      (g.initializer as OnnxTypes.TensorProto[]).flatMap((t) =>
        t.externalData.filter((e) => e.key === 'location').map((e) => e.value),
      ),
    );
    expect(locations).toEqual(new Set(['model_fp16.onnx_data', 'model_fp16.onnx_data_1']));
  });
});

const asFloat = (t: ort.Tensor) =>
  t.type === 'float16' ? Float32Array.from(t.data as Uint16Array, halfToFloat) : (t.data as Float32Array);
const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > (a[best] ?? -Infinity) ? i : best), 0);

async function session(name: string, file: string): Promise<ort.InferenceSession> {
  const folder = join(dir, name, 'onnx');
  const base = file.slice('onnx/'.length);
  const externalData = [`${base}_data`, `${base}_data_1`]
    .filter((f) => existsSync(join(folder, f)))
    .map((path) => ({ path, data: readFileSync(join(folder, path)) }));
  return ort.InferenceSession.create(readFileSync(join(folder, base)), { executionProviders: ['wasm'], externalData });
}

describe('every replica file under onnxruntime-web (wasm EP)', () => {
  const cases = [OPTIMUM, GENAI, LLAMA, SMOL].flatMap((name) =>
    precisionsOf(findSpec(name)).map((precision) => [name, onnxFileOf(precision)] as const),
  );
  it.each(cases)(
    '%s %s: KV-cache decode equals full recompute',
    async (name, file) => {
      const c = config(name);
      const s = await session(name, file);
      const kvType = (s.inputMetadata.find((m) => m.name === 'past_key_values.0.key') as { type?: string } | undefined)
        ?.type as 'float32' | 'float16';
      const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [1, a.length]);
      const ids = [101, 2002, 303, 4004, 505, 6006, 707];
      const run = async (x: number[], from: number, past?: ort.InferenceSession.OnnxValueMapType) => {
        const feeds: Record<string, ort.Tensor> = {
          input_ids: i64(x),
          attention_mask: i64(Array<number>(from + x.length).fill(1)),
          position_ids: i64(x.map((_, i) => from + i)),
        };
        for (let l = 0; l < c.num_hidden_layers; l++) {
          for (const kind of ['key', 'value']) {
            const empty = new ort.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [
              1,
              c.num_key_value_heads,
              0,
              c.head_dim,
            ]);
            feeds[`past_key_values.${l}.${kind}`] = (past?.[`present.${l}.${kind}`] as ort.Tensor | undefined) ?? empty;
          }
        }
        return s.run(feeds);
      };
      const V = c.vocab_size;
      const n = ids.length;
      const full = await run(ids, 0);
      const prefill = await run(ids.slice(0, n - 1), 0);
      const step = await run(ids.slice(n - 1), n - 1, prefill);
      const expected = asFloat(full['logits'] as ort.Tensor).subarray((n - 1) * V, n * V);
      const actual = asFloat(step['logits'] as ort.Tensor);
      expect(actual.length).toBe(V);
      // q8 quantizes activations per call (different tokens, different scale): only argmax must hold.
      const tolerance = /quantized|int8/.test(file) ? Infinity : file.includes('16') ? 2e-2 : 1e-4;
      let diff = 0;
      for (let i = 0; i < V; i++) {
        if (Math.abs(expected[i] ?? 0) < 1000) diff = Math.max(diff, Math.abs((expected[i] ?? 0) - (actual[i] ?? 0)));
      }
      expect(diff).toBeLessThan(tolerance);
      expect(argmax(actual)).toBe(argmax(expected));
      expect(argmax(actual)).toBeLessThan(findSpec(name).realTokenizer ? 151643 : V);
      await s.release();
    },
    30_000,
  );
});

describe('quantized forms track fp32', () => {
  // A wrong layout (nibble order, block direction, transposition) scrambles the weights and the argmax.
  it.each(['onnx/model_bnb4.onnx', 'onnx/model_q4.onnx', 'onnx/model_quantized.onnx', 'onnx/model_uint8.onnx'])(
    '%s picks the fp32 argmax on most rows',
    async (file) => {
      const c = config(OPTIMUM);
      const ids = [11, 2200, 3303, 404, 5505, 66, 7007, 808, 9090, 1010, 1111, 1212];
      const logitsOf = async (f: string) => {
        const s = await session(OPTIMUM, f);
        const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [1, a.length]);
        const feeds: Record<string, ort.Tensor> = {
          input_ids: i64(ids),
          attention_mask: i64(ids.map(() => 1)),
          position_ids: i64(ids.map((_, i) => i)),
        };
        for (let l = 0; l < c.num_hidden_layers; l++) {
          for (const kind of ['key', 'value']) {
            feeds[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
              1,
              c.num_key_value_heads,
              0,
              c.head_dim,
            ]);
          }
        }
        const out = asFloat((await s.run(feeds))['logits'] as ort.Tensor);
        await s.release();
        return out;
      };
      const reference = await logitsOf('onnx/model.onnx');
      const quantized = await logitsOf(file);
      const V = c.vocab_size;
      let agree = 0;
      for (let r = 0; r < ids.length; r++) {
        const row = (a: Float32Array) => a.subarray(r * V, (r + 1) * V);
        if (argmax(row(reference)) === argmax(row(quantized))) agree++;
      }
      expect(agree).toBeGreaterThanOrEqual(ids.length - 3);
    },
    30_000,
  );
});

describe('transformers.js on the replicas (Node)', () => {
  it.each([
    [GENAI, 'fp32'],
    [LLAMA, 'fp16'],
  ] as const)(
    '%s %s loads (external data) and renders the real chat template',
    async (name, dtype) => {
      useLocalModels(dir);
      const tokenizer = await AutoTokenizer.from_pretrained(name);
      const prompt = tokenizer.apply_chat_template([{ role: 'user', content: 'Hi' }], {
        add_generation_prompt: true,
        tokenize: false,
      }) as string;
      expect(prompt).toContain(
        name === GENAI ? '<|im_start|>assistant\n' : '<|start_header_id|>assistant<|end_header_id|>',
      );
      const inputs = tokenizer(prompt, { add_special_tokens: false });
      const model = await AutoModelForCausalLM.from_pretrained(name, { dtype });
      try {
        const out = (await model.generate({ ...inputs, max_new_tokens: 6, do_sample: false })) as Tensor;
        const ids = ((out.tolist() as (number | bigint)[][])[0] ?? []).map(Number);
        expect(ids.length).toBe((inputs.input_ids as Tensor).dims[1]! + 6);
      } finally {
        await model.dispose();
      }
    },
    60_000,
  );
});
