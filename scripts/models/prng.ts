/**
 * Deterministic pseudo-random numbers for weight initialisation.
 *
 * Only 32-bit integer arithmetic and exact float operations are used (no
 * Math.log / Math.cos as in Box-Muller), so the generated weights are
 * bit-identical on every platform and Node version.
 */

/** mulberry32: tiny, fast, good enough statistical quality for random weights. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** FNV-1a over UTF-16 code units, mixed with a seed; used to derive per-tensor streams. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so that similar names ("layers.1.q" / "layers.2.q") diverge fully.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Each tensor gets its own stream keyed by (model seed, tensor name). That makes a
 * tensor's values independent of the order in which tensors are generated, so the
 * fp32 and q8 writers can regenerate weights lazily instead of keeping them all.
 */
export function tensorRng(seed: number, tensorName: string): () => number {
  return mulberry32(hashString(tensorName, seed));
}

// Triangular distribution of two 16-bit uniforms: variance 1/6 before scaling.
const TRIANGULAR_TO_UNIT_STD = Math.sqrt(6);
const INV_2_16 = 1 / 65536;

/**
 * Fills `out` with zero-mean "normal-ish" values of standard deviation `std`
 * (sum of two uniforms, i.e. triangular). Bounded tails (|x| < 2.45 std) keep
 * activations well behaved, which matters for long random-weight generations.
 */
export function fillRandom(out: Float32Array, rng: () => number, std: number, mean = 0): void {
  const scale = std * TRIANGULAR_TO_UNIT_STD;
  for (let i = 0; i < out.length; i++) {
    const r = rng();
    const u = (r >>> 16) * INV_2_16 + (r & 0xffff) * INV_2_16 - 1 + INV_2_16;
    out[i] = mean + u * scale;
  }
}
