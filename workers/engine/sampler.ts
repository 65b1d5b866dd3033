/**
 * Token sampling over one row of logits. Ours rather than transformers.js's
 * because the decode loop owns pausing, stop sequences and backpressure, and a
 * seeded generator makes runs reproducible across pause/resume.
 */

export interface SamplerOptions {
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  seed: number;
}

/** mulberry32: tiny, fast, and good enough for sampling; state is one uint32. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** HF semantics: positive logits are divided by the penalty, negative ones multiplied. */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of seen) {
    const v = logits[id];
    if (v === undefined) continue;
    logits[id] = v > 0 ? v / penalty : v * penalty;
  }
}

/** Indices of the k largest values, largest first (k small against the vocabulary). */
export function topKIndices(logits: Float32Array, k: number): number[] {
  const n = logits.length;
  if (k <= 0 || k >= n) {
    return Array.from({ length: n }, (_, i) => i).sort((a, b) => (logits[b] as number) - (logits[a] as number));
  }
  // A sorted buffer of size k: O(n·log k)-ish in practice, no full sort of the vocabulary.
  const ids: number[] = [];
  let floor = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[i] as number;
    if (ids.length === k && v <= floor) continue;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((logits[ids[mid] as number] as number) >= v) lo = mid + 1;
      else hi = mid;
    }
    ids.splice(lo, 0, i);
    if (ids.length > k) ids.pop();
    if (ids.length === k) floor = logits[ids[k - 1] as number] as number;
  }
  return ids;
}

export class Sampler {
  private readonly random: () => number;

  constructor(private readonly options: SamplerOptions) {
    this.random = createRng(options.seed);
  }

  /** Picks the next token id. `logits` is modified in place. */
  sample(logits: Float32Array, seen: Iterable<number>): number {
    const { temperature, topK, topP, repetitionPenalty } = this.options;
    applyRepetitionPenalty(logits, seen, repetitionPenalty);
    if (temperature === 0) return argmax(logits);

    const candidates = topKIndices(logits, topK);
    const first = candidates[0] as number;
    const max = logits[first] as number;
    const weights = candidates.map((id) => Math.exp(((logits[id] as number) - max) / temperature));
    const sum = weights.reduce((a, b) => a + b, 0);

    // Nucleus: keep the smallest prefix whose probability reaches topP.
    let keep = candidates.length;
    if (topP < 1) {
      let cumulative = 0;
      for (let i = 0; i < weights.length; i++) {
        cumulative += (weights[i] as number) / sum;
        if (cumulative >= topP) {
          keep = i + 1;
          break;
        }
      }
    }
    let kept = 0;
    for (let i = 0; i < keep; i++) kept += weights[i] as number;
    let r = this.random() * kept;
    for (let i = 0; i < keep; i++) {
      r -= weights[i] as number;
      if (r <= 0) return candidates[i] as number;
    }
    return candidates[keep - 1] as number;
  }
}
