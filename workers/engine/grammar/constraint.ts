import { EngineError } from '../errors';
import { buildClosingTiers, JsonDepth, narrowToTier, type ClosingTiers } from './closing-tiers';
import type { GrammarMatcher } from './xgrammar-runtime';

/** Sets every logit the bitmask rejects to -Infinity (bit i of word i>>5 set = token i allowed). */
export function applyBitmask(logits: Float32Array, bitmask: Int32Array): void {
  const n = logits.length;
  for (let w = 0; w < bitmask.length; w++) {
    const word = bitmask[w] as number;
    if (word === -1) continue;
    const base = w << 5;
    if (word === 0) {
      logits.fill(-Infinity, base, Math.min(base + 32, n));
      continue;
    }
    for (let b = 0; b < 32 && base + b < n; b++) if (((word >>> b) & 1) === 0) logits[base + b] = -Infinity;
  }
  // Logits past the bitmask (a model whose logits outnumber the vocabulary we described) are never legal.
  if (bitmask.length * 32 < n) logits.fill(-Infinity, bitmask.length * 32);
}

const tiersByVocab = new WeakMap<readonly string[], ClosingTiers>();

/**
 * One generation's grammar state: masks each row of logits before sampling and advances on
 * each sampled token. Owned by the decode loop, disposed when it ends.
 */
export class TokenConstraint {
  private readonly depth = new JsonDepth();
  private readonly closing: ClosingTiers;
  /** Milliseconds spent computing and applying masks (for the bench). */
  maskMs = 0;

  constructor(
    private readonly matcher: GrammarMatcher,
    private readonly encodedVocab: readonly string[],
    stopTokenIds: readonly number[],
  ) {
    let tiers = tiersByVocab.get(encodedVocab);
    if (!tiers) tiersByVocab.set(encodedVocab, (tiers = buildClosingTiers(encodedVocab, stopTokenIds)));
    this.closing = tiers;
  }

  /** Masks `logits` in place; `remaining` is how many tokens the budget still allows, this one included. */
  async mask(logits: Float32Array, remaining: number): Promise<void> {
    const started = performance.now();
    let bitmask = await this.matcher.getNextTokenBitmask();
    if (remaining <= this.depth.reserve)
      bitmask = narrowToTier(bitmask, this.closing, this.depth.insideString) ?? bitmask;
    applyBitmask(logits, bitmask);
    this.maskMs += performance.now() - started;
  }

  accept(id: number): void {
    if (!this.matcher.acceptToken(id)) {
      throw new EngineError(
        'GenerationError',
        `Token ${id} was sampled although the grammar rejects it; the output would break the schema. Report this as a bug.`,
      );
    }
    this.depth.push(this.encodedVocab[id] ?? '');
  }

  get terminated(): boolean {
    return this.matcher.isTerminated();
  }

  dispose(): void {
    this.matcher.dispose();
  }
}
