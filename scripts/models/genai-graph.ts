/**
 * Llama/Qwen decoder graph in the onnxruntime-genai model builder's form (what
 * SmolLM2-*-Instruct and Qwen3-0.6B-ONNX on the Hub ship; see builder.py):
 *
 * - `Gather` embedding; `SimplifiedLayerNormalization` (ai.onnx domain) on the first
 *   layer input, then `com.microsoft.SkipSimplifiedLayerNormalization` for every later
 *   norm, which also carries the residual sum (its output 3);
 * - `com.microsoft.RotaryEmbedding(x, position_ids, cos_cache, sin_cache)` on q and k;
 * - `com.microsoft.GroupQueryAttention(q, k, v, past_key, past_value, seqlens_k,
 *   total_sequence_length)` with seqlens_k = int32(ReduceSum(mask) - 1) and
 *   total_sequence_length = int32(Shape(mask)[1]);
 * - SiLU as Sigmoid·Mul; MatMulNBits for q4/q4f16;
 * - Qwen3: q_norm/k_norm as SimplifiedLayerNormalization over each head;
 * - fp16 and q4f16: everything float16, including the KV cache and logits (no keep_io_types).
 *
 * Input/output names and symbols are the Optimum ones, which transformers.js feeds.
 */
import { toFloat16 } from '../../common/float16';
import { DataType, GraphBuilder, MS_DOMAIN, attr } from './onnx-builder';
import { WeightEmitter, computeType } from './quantize';
import type { LlamaGraphOptions } from './llama-graph';
import { transpose } from './llama-graph';

export interface GenaiGraphOptions extends LlamaGraphOptions {
  /** Qwen3's per-head RMS norms on q and k (weights `self_attn.{q,k}_norm.weight`, length head_dim). */
  readonly qkNorm: boolean;
  /** Declare the KV head size as this symbol instead of a number, as newer GenAI builds do. */
  readonly symbolicHeadDim?: string;
}

export function buildGenaiGraph(options: GenaiGraphOptions): GraphBuilder {
  const arch = options.architecture;
  const { hiddenSize: H, numAttentionHeads: nH, numKeyValueHeads: nKV, headDim: D } = arch;
  const V = options.vocabSize;
  if (nH % nKV !== 0) throw new Error('num_attention_heads must be a multiple of num_key_value_heads');

  const b = new GraphBuilder('typewriter_genai', computeType(options.precision));
  const w = new WeightEmitter(b, options.precision);
  const io = b.floatType;
  const src = (name: string, dims: number[]) => () => options.weights(name, dims);
  const eps = attr.float('epsilon', arch.rmsNormEps);

  b.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  b.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  b.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const cacheShape = (len: string) => ['batch_size', nKV, len, options.symbolicHeadDim ?? D];
  for (let l = 0; l < arch.numHiddenLayers; l++) {
    b.input(`past_key_values.${l}.key`, io, cacheShape('past_sequence_length'));
    b.input(`past_key_values.${l}.value`, io, cacheShape('past_sequence_length'));
  }
  b.output('logits', io, ['batch_size', 'sequence_length', V]);
  for (let l = 0; l < arch.numHiddenLayers; l++) {
    b.output(`present.${l}.key`, io, cacheShape('total_sequence_length'));
    b.output(`present.${l}.value`, io, cacheShape('total_sequence_length'));
  }

  const embedSource = src('model.embed_tokens.weight', [V, H]);
  const embeds = b.inScope('model/embed_tokens', () =>
    w.table('model.embed_tokens.weight', V, H, embedSource).gather('input_ids'),
  );

  // Attention-mask reformatting for GQA, shared by every layer.
  const { seqlensK, totalLength } = b.inScope('model/attn_mask_reformat/attn_mask_subgraph', () => {
    const sum = b.op1('ReduceSum', ['attention_mask', b.i64([1])], [attr.int('keepdims', 0)]);
    const seqlens = b.op1('Cast', [b.op1('Sub', [sum, b.i64(1)])], [attr.int('to', DataType.INT32)]);
    const total = b.op1('Gather', [b.op1('Shape', ['attention_mask']), b.i64(1)], [attr.int('axis', 0)]);
    return { seqlensK: seqlens, totalLength: b.op1('Cast', [total], [attr.int('to', DataType.INT32)]) };
  });

  const { cos, sin } = rotaryCaches(b, arch);
  const linear = (input: string, name: string, inDim: number, outDim: number): string =>
    w.linear(input, name, inDim, outDim, src(name, [inDim, outDim]));
  const simplifiedNorm = (input: string, name: string, size: number): string =>
    b.op1(
      'SimplifiedLayerNormalization',
      [input, w.vector(name, size, src(name, [size]))],
      [attr.int('axis', -1), eps, attr.int('stash_type', 1)],
    );
  /** Returns [normalized, input + skip]. */
  const skipNorm = (input: string, skip: string, name: string): [string, string] => {
    const outputs = b.op(
      'SkipSimplifiedLayerNormalization',
      [input, skip, w.vector(name, H, src(name, [H]))],
      [eps],
      4,
      MS_DOMAIN,
    );
    const node = b.nodes[b.nodes.length - 1];
    // builder.py leaves the mean / inv_std_var outputs unnamed.
    if (node) node.output = [outputs[0] ?? '', '', '', outputs[3] ?? ''];
    return [outputs[0] as string, outputs[3] as string];
  };

  let residual = embeds;
  let pending: string | null = null; // the previous block's output, not yet added to the residual
  for (let l = 0; l < arch.numHiddenLayers; l++) {
    const p = `model.layers.${l}`;
    const h = b.inScope(`model/layers.${l}/input_layernorm`, () => {
      if (pending === null) return simplifiedNorm(residual, `${p}.input_layernorm.weight`, H);
      const [normed, sum] = skipNorm(pending, residual, `${p}.input_layernorm.weight`);
      residual = sum;
      return normed;
    });
    const attention = b.inScope(`model/layers.${l}/attn`, () => {
      const headNorm = (t: string, heads: number, name: string) => {
        if (!options.qkNorm) return t;
        const perHead = b.op1('Reshape', [t, b.i64([0, 0, heads, D])]);
        return b.op1('Reshape', [simplifiedNorm(perHead, name, D), b.i64([0, 0, heads * D])]);
      };
      const rotary = (t: string) =>
        b.ms1(
          'RotaryEmbedding',
          [t, 'position_ids', cos, sin],
          [
            attr.int('interleaved', 0),
            attr.int('num_heads', 0), // 0 with full rotary, as builder.py
            attr.int('rotary_embedding_dim', 0),
          ],
        );
      const q = rotary(
        headNorm(linear(h, `${p}.self_attn.q_proj.weight`, H, nH * D), nH, `${p}.self_attn.q_norm.weight`),
      );
      const k = rotary(
        headNorm(linear(h, `${p}.self_attn.k_proj.weight`, H, nKV * D), nKV, `${p}.self_attn.k_norm.weight`),
      );
      const v = linear(h, `${p}.self_attn.v_proj.weight`, H, nKV * D);
      const [context] = b.op(
        'GroupQueryAttention',
        [q, k, v, `past_key_values.${l}.key`, `past_key_values.${l}.value`, seqlensK, totalLength],
        [
          attr.int('num_heads', nH),
          attr.int('kv_num_heads', nKV),
          attr.float('scale', 1 / Math.sqrt(D)),
          attr.int('do_rotary', 0), // RotaryEmbedding nodes run before GQA
          attr.int('rotary_interleaved', 0),
        ],
        [b.freshName('GroupQueryAttention_output'), `present.${l}.key`, `present.${l}.value`],
        MS_DOMAIN,
      );
      return linear(context as string, `${p}.self_attn.o_proj.weight`, nH * D, H);
    });
    const h2 = b.inScope(`model/layers.${l}/post_attention_layernorm`, () => {
      const [normed, sum] = skipNorm(attention, residual, `${p}.post_attention_layernorm.weight`);
      residual = sum;
      return normed;
    });
    pending = b.inScope(`model/layers.${l}/mlp`, () => {
      const gate = linear(h2, `${p}.mlp.gate_proj.weight`, H, arch.intermediateSize);
      const up = linear(h2, `${p}.mlp.up_proj.weight`, H, arch.intermediateSize);
      const act = b.op1('Mul', [b.op1('Mul', [gate, b.op1('Sigmoid', [gate])]), up]);
      return linear(act, `${p}.mlp.down_proj.weight`, arch.intermediateSize, H);
    });
  }

  b.inScope('lm_head', () => {
    const [h] = skipNorm(pending ?? embeds, residual, 'model.norm.weight');
    // builder.py writes the tied head as its own [H, V] MatMul weight too.
    const head = arch.tieWordEmbeddings ? () => transpose(embedSource(), V, H) : src('lm_head.weight', [H, V]);
    const logits = w.linear(h, 'lm_head.weight', H, V, head);
    const bias = w.vector('lm_head.logits_bias', V, options.logitsBias);
    const forced = options.positionalBias;
    const conditional = options.conditionalBias ?? [];
    if (!forced && conditional.length === 0) {
      b.op1('Add', [logits, bias], [], 'logits');
      return;
    }
    /** `amount` on `tokenId` wherever the [B, S] boolean `rows` is true. */
    const boostWhere = (rows: string, tokenId: number, amount: number) => {
      const oneHot = new Float32Array(V);
      oneHot[tokenId] = amount;
      return b.op1('Mul', [b.op1('Unsqueeze', [b.toFloat(rows), b.i64([-1])]), b.float(oneHot, [V])]);
    };
    let out = b.op1('Add', [logits, bias]);
    const terms = [
      ...(forced
        ? [
            boostWhere(
              b.op1('LessOrEqual', [b.i64(forced.fromPosition), 'position_ids']),
              forced.tokenId,
              forced.amount,
            ),
          ]
        : []),
      ...conditional.map((c) =>
        boostWhere(
          'inputId' in c.when
            ? b.op1('Equal', ['input_ids', b.i64(c.when.inputId)])
            : b.op1('Equal', ['position_ids', b.i64(c.when.position)]),
          c.tokenId,
          c.amount,
        ),
      ),
    ];
    terms.forEach((term, i) => {
      out = b.op1('Add', [out, term], [], i === terms.length - 1 ? 'logits' : undefined);
    });
  });
  return b;
}

/** cos/sin caches [max_position_embeddings, head_dim / 2], as builder.py precomputes them. */
function rotaryCaches(b: GraphBuilder, arch: GenaiGraphOptions['architecture']): { cos: string; sin: string } {
  const half = arch.headDim / 2;
  const positions = arch.maxPositionEmbeddings;
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let i = 0; i < half; i++) {
    const invFreq = 1 / Math.pow(arch.ropeTheta, (2 * i) / arch.headDim);
    for (let t = 0; t < positions; t++) {
      cos[t * half + i] = Math.cos(t * invFreq);
      sin[t * half + i] = Math.sin(t * invFreq);
    }
  }
  const weight = (name: string, values: Float32Array) =>
    b.floatType === DataType.FLOAT
      ? b.weight(name, DataType.FLOAT, [positions, half], () => values)
      : b.weight(name, DataType.FLOAT16, [positions, half], () => toFloat16(values));
  return { cos: weight('cos_cache', cos), sin: weight('sin_cache', sin) };
}
