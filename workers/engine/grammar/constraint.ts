import { EngineError } from '../errors';
import {
  buildClosingTiers,
  firstAllowed,
  JsonDepth,
  longestAllowed,
  narrowToTier,
  type ClosingTiers,
} from './closing-tiers';
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
  /** The completion the run follows once the budget is down to it. */
  private forced: number[] | null = null;
  /** The budget left at which to look ahead next (the first call always does). */
  private nextCheck = Infinity;
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

  /**
   * Masks `logits` in place; `remaining` is how many tokens the budget still allows, this one included.
   *
   * Finishing: now and then (more often as the slack shrinks) it plays out and rolls back the
   * shortest completion the closing tiers find; once that path needs all the budget left, the run
   * follows it token by token, so the text completes instead of stopping at `length` mid-object.
   */
  async mask(logits: Float32Array, remaining: number): Promise<void> {
    const started = performance.now();
    if (!this.forced && remaining <= this.nextCheck) {
      const path = await this.shortestCompletion(remaining);
      if (!path) {
        // Already more than the budget: nothing to follow (the tiers below still narrow the end).
        this.nextCheck = -1;
      } else if (path.length >= remaining - 1) {
        this.forced = path;
      } else {
        // Look again once a quarter of the slack is used: a few look-aheads per run, each as long as the completion.
        this.nextCheck = remaining - Math.max(1, Math.floor((remaining - path.length) / 4));
      }
    }
    const next = this.forced?.[0];
    if (next !== undefined) {
      const value = logits[next] as number;
      logits.fill(-Infinity);
      logits[next] = Number.isFinite(value) ? value : 0;
    } else {
      let bitmask = await this.matcher.getNextTokenBitmask();
      if (remaining <= this.depth.reserve)
        bitmask = narrowToTier(bitmask, this.closing, this.depth.insideString) ?? bitmask;
      applyBitmask(logits, bitmask);
    }
    this.maskMs += performance.now() - started;
  }

  /** A completion within `limit` tokens that ends with a stop token, found greedily, or null; the matcher is left as it was. */
  private async shortestCompletion(limit: number): Promise<number[] | null> {
    const path: number[] = [];
    const depth = this.depth.clone();
    try {
      while (path.length < limit && !this.matcher.isTerminated()) {
        const bitmask = await this.matcher.getNextTokenBitmask();
        const narrowed = narrowToTier(bitmask, this.closing, depth.insideString);
        const id = narrowed ? firstAllowed(narrowed) : longestAllowed(bitmask, this.closing.lengths);
        if (id < 0 || !this.matcher.acceptToken(id)) return null;
        path.push(id);
        depth.push(this.encodedVocab[id] ?? '');
      }
      return this.matcher.isTerminated() ? path : null;
    } finally {
      if (path.length > 0) this.matcher.rollBack(path.length);
    }
  }

  accept(id: number): void {
    if (this.forced) {
      if (this.forced[0] !== id)
        throw new EngineError(
          'GenerationError',
          `Token ${id} left the completion path the grammar forced. Report this as a bug.`,
        );
      this.forced.shift();
    }
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
