/**
 * Deterministic random weights and the fixed logits bias for a model spec.
 */
import { fillRandom, tensorRng } from './prng.ts';
import type { WeightSource } from './llama-graph.ts';
import type { ModelSpec } from './specs.ts';

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
    if (name.endsWith('norm.weight')) {
      // Near 1 like a trained RMSNorm, slightly jittered so channels differ.
      fillRandom(out, rng, 0.1, 1);
    } else if (name === 'model.embed_tokens.weight') {
      fillRandom(out, rng, 1);
    } else if (name === 'lm_head.weight') {
      fillRandom(out, rng, spec.logitScale / Math.sqrt(hidden));
    } else if (dims.length === 2) {
      fillRandom(out, rng, 1 / Math.sqrt(dims[0] ?? 1));
    } else {
      throw new Error(`no init rule for weight ${name}`);
    }
    return out;
  };
}

/** Per-vocab bias added to every logits row: specials are pushed far down. */
export function logitsBias(vocabSize: number, specialIds: readonly number[]): Float32Array {
  const bias = new Float32Array(vocabSize);
  for (const id of specialIds) bias[id] = -SPECIAL_BIAS;
  return bias;
}
