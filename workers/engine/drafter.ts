/**
 * Prompt-lookup drafting (no draft model): the last n tokens are looked up in everything seen so
 * far (prompt and generated text), and the tokens that followed their latest earlier occurrence
 * are proposed as the draft. Longer n-grams are tried first (a longer match predicts better).
 * Copy-heavy tasks (rewrite, quote, edit code) repeat long spans of the prompt, which is where
 * this pays off; in free text it rarely finds a match and costs nothing then.
 *
 * The index is incremental: each appended token adds one n-gram per size, so a lookup is O(n·k).
 */
export interface DrafterOptions {
  /** Longest n-gram to match. */
  maxNgram: number;
  /** Shortest n-gram to match. 1 finds more drafts, and more wrong ones. */
  minNgram: number;
}

export const DEFAULT_DRAFTER: DrafterOptions = { maxNgram: 3, minNgram: 2 };

export class NgramDrafter {
  private readonly tokens: number[] = [];
  /** n-gram key -> position of its last token, for n-grams ending before the newest token. */
  private readonly index = new Map<string, number>();
  private indexed = 0;

  constructor(
    initial: readonly number[] = [],
    private readonly options: DrafterOptions = DEFAULT_DRAFTER,
  ) {
    this.tokens.push(...initial);
  }

  push(...ids: number[]): void {
    this.tokens.push(...ids);
  }

  get length(): number {
    return this.tokens.length;
  }

  /** Up to `k` tokens that followed the latest earlier occurrence of the current suffix. */
  propose(k: number): number[] {
    if (k <= 0) return [];
    this.catchUp();
    const end = this.tokens.length;
    for (let n = Math.min(this.options.maxNgram, end - 1); n >= this.options.minNgram; n--) {
      const at = this.index.get(this.key(end - n, end));
      if (at === undefined) continue;
      return this.tokens.slice(at + 1, Math.min(at + 1 + k, end));
    }
    return [];
  }

  private key(from: number, to: number): string {
    return `${to - from}:${this.tokens.slice(from, to).join(',')}`;
  }

  /** Indexes the n-grams ending at every position before the newest token (the suffix must match an earlier one). */
  private catchUp(): void {
    const last = this.tokens.length - 1;
    for (let p = this.indexed; p < last; p++) {
      for (let n = this.options.minNgram; n <= this.options.maxNgram && n <= p + 1; n++) {
        this.index.set(this.key(p - n + 1, p + 1), p);
      }
    }
    this.indexed = Math.max(this.indexed, last);
  }
}
