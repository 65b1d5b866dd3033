/**
 * Deterministic random weights and the fixed logits bias for a model spec.
 */
import { bytesToUnicode } from './bpe-tokenizer';
import { fillRandom, tensorRng } from './prng';
import type { WeightSource } from './llama-graph';
import type { ModelSpec } from './specs';

/** Suppression strength for special tokens; large against logits of O(10), small enough to stay exact in fp32. */
export const SPECIAL_BIAS = 1e4;

/**
 * Init scale follows the usual 1/sqrt(fan_in) rule so every projection keeps
 * activations at unit scale: attention neither collapses to uniform nor to
 * one-hot, and the residual stream stays bounded over thousands of positions.
 */
export function weightSource(spec: ModelSpec): WeightSource {
  const hidden = spec.architecture.hiddenSize;
  return (name, dims) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    const rng = tensorRng(spec.seed, name);
    if (name === 'model.norm.weight' && spec.architecture.tieWordEmbeddings) {
      // Tied head: logits = E · (w ⊙ x̂). A zero-mean w removes the positive self-score
      // E[t]·E[t] that would otherwise make greedy decoding repeat its input token.
      fillRandom(out, rng, spec.init.logitStd / (spec.init.embeddingStd * Math.sqrt(hidden)));
    } else if (name.endsWith('norm.weight')) {
      // Near 1 like a trained RMSNorm, slightly jittered so channels differ.
      fillRandom(out, rng, 0.1, 1);
    } else if (name === 'model.embed_tokens.weight') {
      fillRandom(out, rng, spec.init.embeddingStd);
    } else if (name === 'lm_head.weight') {
      fillRandom(out, rng, spec.init.logitStd / Math.sqrt(hidden));
    } else if (dims.length === 2) {
      const residual = name.endsWith('o_proj.weight') || name.endsWith('down_proj.weight');
      fillRandom(out, rng, (residual ? spec.init.residualScale : 1) / Math.sqrt(dims[0] ?? 1));
    } else {
      throw new Error(`no init rule for weight ${name}`);
    }
    return out;
  };
}

export interface BiasTokens {
  /** Always suppressed (the EOS boost for eos-test is a separate positional term). */
  readonly specialIds: readonly number[];
  /** Token strings by id, in byte-level form (for the junk/word heuristics). */
  readonly tokens: readonly (string | undefined)[];
  /** Boost for whole-word tokens; 0 disables. */
  readonly wordBonus: number;
}

const BYTE_LEVEL_NEWLINE = '\u010a';

/**
 * True for single-byte tokens that would render as garbage on their own: control
 * characters (except newline) and bytes >= 0x7f, which are only valid inside a
 * multi-byte UTF-8 sequence that a random model would almost never complete.
 */
function isJunkByte(token: string, byteToUnicode: readonly string[]): boolean {
  const byte = byteToUnicode.indexOf(token);
  if (byte < 0 || token === BYTE_LEVEL_NEWLINE) return false;
  return byte < 0x20 || byte >= 0x7f;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * True for multi-character byte-level tokens whose bytes are not valid UTF-8 on their
 * own (a piece of a multi-byte character): the real 150k vocabularies have thousands,
 * and a random model emitting one renders U+FFFD.
 */
function isPartialUtf8(token: string, unicodeToByte: ReadonlyMap<string, number>): boolean {
  if (token.length < 2) return false;
  const bytes: number[] = [];
  for (const ch of token) {
    const byte = unicodeToByte.get(ch);
    if (byte === undefined) return false; // not a byte-level token (an added token)
    bytes.push(byte);
  }
  try {
    STRICT_UTF8.decode(Uint8Array.from(bytes));
    return false;
  } catch {
    return true;
  }
}

/**
 * Per-vocab bias added to every logits row. Specials and junk bytes are pushed far
 * down so output is always valid, readable UTF-8; whole-word tokens get a small
 * bonus so random-weight output reads more like words than letter soup.
 */
export function logitsBias(vocabSize: number, t: BiasTokens): Float32Array {
  const byteToUnicode = bytesToUnicode();
  const unicodeToByte = new Map(byteToUnicode.map((ch, byte) => [ch, byte]));
  const bias = new Float32Array(vocabSize);
  t.tokens.forEach((token, id) => {
    if (token === undefined || id >= vocabSize) return;
    if (isJunkByte(token, byteToUnicode) || isPartialUtf8(token, unicodeToByte)) bias[id] = -SPECIAL_BIAS;
    else if (/^\u0120[a-zA-Z]{2,}$/.test(token)) bias[id] = t.wordBonus;
  });
  for (const id of t.specialIds) bias[id] = -SPECIAL_BIAS;
  return bias;
}
