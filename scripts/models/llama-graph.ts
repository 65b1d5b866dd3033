/**
 * Llama decoder-only graph in the Optimum export form (what transformers.js's
 * convert.py writes for `LlamaForCausalLM` / `Qwen2ForCausalLM`):
 * inputs `input_ids`, `attention_mask`, `position_ids`, `past_key_values.N.{key,value}`,
 * outputs `logits`, `present.N.{key,value}`, plain ONNX ops for attention.
 *
 * In fp16 and q4f16 the whole graph computes in float16 while inputs, outputs and the
 * KV cache stay float32, with Cast nodes at the boundary, as
 * `convert_float_to_float16(keep_io_types=True)` leaves it.
 */
import { DataType, GraphBuilder, attr } from './onnx-builder';
import { WeightEmitter, computeType, type Precision } from './quantize';
import type { LlamaArchitecture } from './specs';

/** Deterministic producer for the float32 values of a named weight. */
export type WeightSource = (name: string, dims: readonly number[]) => Float32Array;

export interface LlamaGraphOptions {
  readonly architecture: LlamaArchitecture;
  readonly vocabSize: number;
  readonly precision: Precision;
  readonly weights: WeightSource;
  /** Added to every row of the logits. */
  readonly logitsBias: () => Float32Array;
  /** Adds `amount` to `tokenId`'s logit on rows whose position id >= `fromPosition`. */
  readonly positionalBias?: { readonly tokenId: number; readonly fromPosition: number; readonly amount: number };
  /**
   * GenAI form only: adds `amount` to `tokenId`'s logit on rows whose input token is `inputId`, or whose
   * position id equals `position` (the thinking test model's `<think>` and `</think>`).
   */
  readonly conditionalBias?: readonly ConditionalBias[];
}

export interface ConditionalBias {
  readonly tokenId: number;
  readonly amount: number;
  readonly when: { readonly inputId: number } | { readonly position: number };
}

/**
 * Large but finite, so a fully masked row (left padding) softmaxes to uniform instead of NaN.
 * The fp16 conversion clips it to -1e4, still far below any real score.
 */
const MASK_VALUE = -1e9;

export function buildLlamaGraph(options: LlamaGraphOptions): GraphBuilder {
  const arch = options.architecture;
  const { hiddenSize: H, numAttentionHeads: nH, numKeyValueHeads: nKV, headDim: D } = arch;
  const V = options.vocabSize;
  if (nH % nKV !== 0) throw new Error('num_attention_heads must be a multiple of num_key_value_heads');
  if (D % 2 !== 0) throw new Error('head_dim must be even for rotary embeddings');

  const b = new GraphBuilder('typewriter_llama', computeType(options.precision));
  const halfCompute = b.floatType !== DataType.FLOAT;
  const w = new WeightEmitter(b, options.precision);
  const src = (name: string, dims: number[]) => () => options.weights(name, dims);

  b.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  b.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  b.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  // Cache dims must be literal numbers: transformers.js sizes the empty cache from this metadata.
  const cacheShape = (len: string) => ['batch_size', nKV, len, D];
  for (let l = 0; l < arch.numHiddenLayers; l++) {
    b.input(`past_key_values.${l}.key`, DataType.FLOAT, cacheShape('past_sequence_length'));
    b.input(`past_key_values.${l}.value`, DataType.FLOAT, cacheShape('past_sequence_length'));
  }
  const pastInput = (name: string) => (halfCompute ? b.toFloat(name) : name);
  /** The producing node writes a graph output directly, unless keep_io_types needs a Cast after it. */
  const outputName = (name: string) => (halfCompute ? undefined : name);
  const castOutput = (value: string, name: string): string => {
    if (halfCompute) b.op1('Cast', [value], [attr.int('to', DataType.FLOAT)], name);
    return value;
  };
  b.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', V]);
  for (let l = 0; l < arch.numHiddenLayers; l++) {
    b.output(`present.${l}.key`, DataType.FLOAT, cacheShape('total_sequence_length'));
    b.output(`present.${l}.value`, DataType.FLOAT, cacheShape('total_sequence_length'));
  }

  const embedSource = src('model.embed_tokens.weight', [V, H]);
  const embedding = w.table('model.embed_tokens.weight', V, H, embedSource);
  let x = b.inScope('model/embed_tokens', () => embedding.gather('input_ids'));

  const rope = b.inScope('model/rotary_emb', () => rotaryTables(b, arch));
  const mask = b.inScope('model/attn_mask', () => attentionMask(b));

  const rmsNorm = (input: string, name: string): string => {
    const weight = w.vector(name, H, src(name, [H]));
    const meanSquare = b.op1(
      'ReduceMean',
      [b.op1('Mul', [input, input])],
      [attr.ints('axes', [-1]), attr.int('keepdims', 1)],
    );
    const rms = b.op1('Sqrt', [b.op1('Add', [meanSquare, b.float(arch.rmsNormEps)])]);
    return b.op1('Mul', [b.op1('Div', [input, rms]), weight]);
  };
  const linear = (input: string, name: string, inDim: number, outDim: number): string =>
    w.linear(input, name, inDim, outDim, src(name, [inDim, outDim]));

  for (let l = 0; l < arch.numHiddenLayers; l++) {
    const p = `model.layers.${l}`;
    x = b.inScope(`${p}/self_attn`, () => {
      const h = rmsNorm(x, `${p}.input_layernorm.weight`);
      // [B, S, heads*D] -> [B, heads, S, D]
      const heads = (t: string, n: number) =>
        b.op1('Transpose', [b.op1('Reshape', [t, b.i64([0, 0, n, D])])], [attr.ints('perm', [0, 2, 1, 3])]);
      const q = applyRope(b, heads(linear(h, `${p}.self_attn.q_proj.weight`, H, nH * D), nH), rope, D);
      const k = applyRope(b, heads(linear(h, `${p}.self_attn.k_proj.weight`, H, nKV * D), nKV), rope, D);
      const v = heads(linear(h, `${p}.self_attn.v_proj.weight`, H, nKV * D), nKV);
      const concat = (kind: 'key' | 'value', fresh: string) =>
        castOutput(
          b.op1(
            'Concat',
            [pastInput(`past_key_values.${l}.${kind}`), fresh],
            [attr.int('axis', 2)],
            outputName(`present.${l}.${kind}`),
          ),
          `present.${l}.${kind}`,
        );
      const keys = concat('key', k);
      const values = concat('value', v);
      const kAll = repeatKv(b, keys, nH, nKV, D);
      const vAll = repeatKv(b, values, nH, nKV, D);
      const qScaled = b.op1('Mul', [q, b.float(1 / Math.sqrt(D))]);
      const scores = b.op1('MatMul', [qScaled, b.op1('Transpose', [kAll], [attr.ints('perm', [0, 1, 3, 2])])]);
      const probs = b.op1('Softmax', [b.op1('Add', [scores, mask])], [attr.int('axis', -1)]);
      const context = b.op1('MatMul', [probs, vAll]);
      const merged = b.op1('Reshape', [
        b.op1('Transpose', [context], [attr.ints('perm', [0, 2, 1, 3])]),
        b.i64([0, 0, nH * D]),
      ]);
      return b.op1('Add', [x, linear(merged, `${p}.self_attn.o_proj.weight`, nH * D, H)]);
    });
    x = b.inScope(`${p}/mlp`, () => {
      const h = rmsNorm(x, `${p}.post_attention_layernorm.weight`);
      const gate = linear(h, `${p}.mlp.gate_proj.weight`, H, arch.intermediateSize);
      const up = linear(h, `${p}.mlp.up_proj.weight`, H, arch.intermediateSize);
      const act = b.op1('Mul', [b.op1('Mul', [gate, b.op1('Sigmoid', [gate])]), up]);
      return b.op1('Add', [x, linear(act, `${p}.mlp.down_proj.weight`, arch.intermediateSize, H)]);
    });
  }

  b.inScope('lm_head', () => {
    const h = rmsNorm(x, 'model.norm.weight');
    // Optimum exports of tied models carry the head as its own [H, V] MatMul weight.
    const head = arch.tieWordEmbeddings ? () => transpose(embedSource(), V, H) : src('lm_head.weight', [H, V]);
    const logits = w.linear(h, 'lm_head.weight', H, V, head);
    const bias = w.vector('lm_head.logits_bias', V, options.logitsBias);
    const forced = options.positionalBias;
    if (!forced) {
      castOutput(b.op1('Add', [logits, bias], [], outputName('logits')), 'logits');
      return;
    }
    const biased = b.op1('Add', [logits, bias]);
    // [B, S]: 1.0 on rows whose position id >= fromPosition, else 0.0.
    const reached = b.op1(
      'Cast',
      [b.op1('LessOrEqual', [b.i64(forced.fromPosition), 'position_ids'])],
      [attr.int('to', b.floatType)],
    );
    const oneHot = new Float32Array(V);
    oneHot[forced.tokenId] = forced.amount;
    const boost = b.op1('Mul', [b.op1('Unsqueeze', [reached, b.i64([-1])]), b.float(oneHot, [V])]);
    castOutput(b.op1('Add', [biased, boost], [], outputName('logits')), 'logits');
  });
  return b;
}

interface RotaryTables {
  readonly cos: string;
  readonly sin: string;
}

/** cos/sin [B, 1, S, D] computed from position_ids at run time: no length limit baked in. */
function rotaryTables(b: GraphBuilder, arch: LlamaArchitecture): RotaryTables {
  const half = arch.headDim / 2;
  const invFreq = new Float32Array(half);
  for (let i = 0; i < half; i++) invFreq[i] = 1 / Math.pow(arch.ropeTheta, (2 * i) / arch.headDim);
  const positions = b.toFloat('position_ids');
  const freqs = b.op1('Mul', [b.op1('Unsqueeze', [positions, b.i64([-1])]), b.float(invFreq, [half])]);
  const angles = b.op1('Concat', [freqs, freqs], [attr.int('axis', -1)]);
  return {
    cos: b.op1('Unsqueeze', [b.op1('Cos', [angles]), b.i64([1])]),
    sin: b.op1('Unsqueeze', [b.op1('Sin', [angles]), b.i64([1])]),
  };
}

/** x*cos + rotate_half(x)*sin, with rotate_half(x) = concat(-x2, x1) (HF Llama convention). */
function applyRope(b: GraphBuilder, x: string, rope: RotaryTables, headDim: number): string {
  const half = headDim / 2;
  const [x1, x2] = b.op('Split', [x, b.i64([half, half])], [attr.int('axis', -1)], 2) as [string, string];
  const rotated = b.op1('Concat', [b.op1('Neg', [x2]), x1], [attr.int('axis', -1)]);
  return b.op1('Add', [b.op1('Mul', [x, rope.cos]), b.op1('Mul', [rotated, rope.sin])]);
}

/** [B, nKV, T, D] -> [B, nH, T, D]; query head h reads kv head floor(h / (nH / nKV)), as HF repeat_kv. */
function repeatKv(b: GraphBuilder, t: string, nH: number, nKV: number, D: number): string {
  const groups = nH / nKV;
  if (groups === 1) return t;
  const expanded = b.op1('Expand', [b.op1('Unsqueeze', [t, b.i64([2])]), b.i64([1, 1, groups, 1, 1])]);
  return b.op1('Reshape', [expanded, b.i64([0, nH, -1, D])]);
}

/**
 * Additive mask [B, 1, S, T]: query i (absolute position past_len + i) may attend to key j
 * iff j <= past_len + i and attention_mask[b, j] == 1; otherwise MASK_VALUE.
 */
function attentionMask(b: GraphBuilder): string {
  const dim = (tensor: string, axis: number) =>
    b.op1('Squeeze', [b.op1('Shape', [tensor], [attr.int('start', axis), attr.int('end', axis + 1)]), b.i64([0])]);
  const total = dim('attention_mask', 1);
  const past = b.op1('Sub', [total, dim('input_ids', 1)]);
  const keyIndex = b.op1('Range', [b.i64(0), total, b.i64(1)]);
  const queryIndex = b.op1('Range', [past, total, b.i64(1)]);
  const causal = b.op1('LessOrEqual', [
    b.op1('Unsqueeze', [keyIndex, b.i64([0])]),
    b.op1('Unsqueeze', [queryIndex, b.i64([1])]),
  ]);
  const notPadding = b.op1(
    'Cast',
    [b.op1('Unsqueeze', ['attention_mask', b.i64([1, 2])])],
    [attr.int('to', DataType.BOOL)],
  );
  const allowed = b.op1('And', [causal, notPadding]);
  return b.op1('Where', [allowed, b.float(0), b.float(MASK_VALUE)]);
}

/** [rows, cols] -> [cols, rows]. */
export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c] ?? 0;
  return out;
}
