/**
 * The JSON side files of a Hugging Face model repo, in the shape transformers.js
 * 4.x reads: config.json, generation_config.json and tokenizer_config.json.
 */
import { SPECIAL_TOKENS, type TrainedBpe } from './bpe-tokenizer';
import type { Precision } from './quantize';
import type { ModelSpec } from './specs';

const PRECISION_FORMS: Readonly<Record<Precision, string>> = {
  fp32: 'float32 weights and compute',
  fp16: 'float16 weights and compute (Optimum: float32 inputs, outputs and KV, Casts at the boundary)',
  q8: 'DynamicQuantizeLinear -> MatMulInteger (int8 weights per output channel) -> Cast -> Mul; int8 embedding Gather',
  int8: 'the q8 form (same bytes as model_quantized.onnx)',
  uint8: 'the q8 form with asymmetric uint8 weights and per-channel uint8 zero points',
  q4: 'com.microsoft.MatMulNBits, 4 bits, block 32, symmetric, float32 scales; float embedding',
  q4f16: 'MatMulNBits with float16 scales and float16 compute',
  bnb4: 'com.microsoft.MatMulBnb4, NF4, block 64, float32 absmax; float embedding',
};

/**
 * ChatML. It must live inside tokenizer_config.json: transformers.js does not read
 * a separate chat_template.jinja file.
 */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export const EOS_TOKEN = '<|im_end|>';
export const BOS_TOKEN = '<|endoftext|>';
export const PAD_TOKEN = '<|endoftext|>';

export interface TokenIds {
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
}

export function tokenIds(bpe: TrainedBpe): TokenIds {
  return {
    bos: bpe.specialIds[BOS_TOKEN],
    eos: bpe.specialIds[EOS_TOKEN],
    pad: bpe.specialIds[PAD_TOKEN],
  };
}

export interface ConfigExtras {
  readonly vocabSize: number;
  readonly tokenizerTokens: number;
  readonly specHash: string;
  readonly generatorVersion: number;
}

export function modelConfig(spec: ModelSpec, ids: TokenIds, extras: ConfigExtras): Record<string, unknown> {
  const a = spec.architecture;
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    hidden_size: a.hiddenSize,
    intermediate_size: a.intermediateSize,
    num_hidden_layers: a.numHiddenLayers,
    num_attention_heads: a.numAttentionHeads,
    num_key_value_heads: a.numKeyValueHeads,
    head_dim: a.headDim,
    vocab_size: extras.vocabSize,
    max_position_embeddings: a.maxPositionEmbeddings,
    rms_norm_eps: a.rmsNormEps,
    rope_theta: a.ropeTheta,
    rope_scaling: null,
    tie_word_embeddings: a.tieWordEmbeddings,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
    torch_dtype: 'float32',
    use_cache: true,
    typewriter: {
      randomWeights: true,
      seed: spec.seed,
      purpose: spec.purpose,
      eos:
        spec.eos.kind === 'never'
          ? { kind: 'never', rule: 'All special tokens get a -1e4 logit bias at every position.' }
          : {
              kind: 'at-position',
              position: spec.eos.position,
              rule:
                `${EOS_TOKEN} gets +1e4 on rows whose position id is >= ${spec.eos.position} (else -1e4). ` +
                `For an unpadded prompt of n tokens, greedy decoding emits max(0, ${spec.eos.position + 1} - n) ` +
                `ordinary tokens and then ${EOS_TOKEN}.`,
            },
      tokenizerTokens: extras.tokenizerTokens,
      vocabNote:
        extras.vocabSize > extras.tokenizerTokens
          ? `Ids >= ${extras.tokenizerTokens} are unused pseudo-words, present only so the embedding has the real model's shape.`
          : undefined,
      form: spec.form ?? 'optimum',
      onnx: Object.fromEntries(
        (spec.precisions ?? ['fp32', 'q8']).map((precision) => [precision, PRECISION_FORMS[precision]]),
      ),
      generator: 'scripts/models (Typewriter)',
      generatorVersion: extras.generatorVersion,
      specHash: extras.specHash,
    },
  };
}

export function generationConfig(spec: ModelSpec, ids: TokenIds): Record<string, unknown> {
  return {
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
    max_length: spec.architecture.maxPositionEmbeddings,
    do_sample: false,
  };
}

export function tokenizerConfig(spec: ModelSpec, bpe: TrainedBpe): Record<string, unknown> {
  const addedTokensDecoder = Object.fromEntries(
    SPECIAL_TOKENS.map((content) => [
      String(bpe.specialIds[content]),
      { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
    ]),
  );
  return {
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: BOS_TOKEN,
    chat_template: CHATML_TEMPLATE,
    // transformers.js defaults this to true, which rewrites " ." to "." and breaks round-trips.
    clean_up_tokenization_spaces: false,
    eos_token: EOS_TOKEN,
    model_max_length: spec.architecture.maxPositionEmbeddings,
    pad_token: PAD_TOKEN,
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: null,
  };
}
