/**
 * A finishing strategy for JSON under a token budget. XGrammar only says which tokens are legal,
 * not how far the text is from complete, so a sampled run can reach `maxTokens` mid-object. When
 * the budget left is no more than what closing the open strings and containers takes, the mask is
 * narrowed further to the legal tokens of the first tier below that has any: stop, then closers
 * (`}` `]`), then a closing quote, then a colon, then a comma (only picked where a required
 * member must follow), then the smallest value (`0`, `""`). Where none is
 * legal (a required key, an escape) the grammar's mask alone applies: the grammar forces that text.
 * Inside a string the quote comes first, since `}` and `]` are legal string content there.
 */
// A leading space marker (byte-level Ġ, SentencePiece ▁, or a plain space) comes with the ", " separator.
const TIERS: readonly RegExp[] = [/^[}\]]+$/, /^[Ġ▁ ]?"[}\]]*$/, /^"?:$/, /^,$/, /^[Ġ▁ ]?:?(?:0|"")[}\]]*$/];

export interface ClosingTiers {
  /** Token ids per tier, stop tokens first. */
  tiers: Int32Array[];
  /** Each token's text length (0 for special tokens). */
  lengths: Uint16Array;
}

export function buildClosingTiers(encodedVocab: readonly string[], stopTokenIds: readonly number[]): ClosingTiers {
  const lists: number[][] = TIERS.map(() => []);
  for (let id = 0; id < encodedVocab.length; id++) {
    const token = encodedVocab[id] as string;
    if (token === '' || token.length > 4) continue;
    const tier = TIERS.findIndex((re) => re.test(token));
    if (tier >= 0) (lists[tier] as number[]).push(id);
  }
  const lengths = Uint16Array.from(encodedVocab, (t) => Math.min(t.length, 65535));
  return { tiers: [Int32Array.from(stopTokenIds), ...lists.map((l) => Int32Array.from(l))], lengths };
}

/** Tracks how deep the JSON text is (open containers, inside a string), from the accepted tokens' text. */
export class JsonDepth {
  private depth = 0;
  private inString = false;
  private escaped = false;

  push(text: string): void {
    for (const ch of text) {
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') this.inString = true;
      else if (ch === '{' || ch === '[') this.depth++;
      else if (ch === '}' || ch === ']') this.depth--;
    }
  }

  clone(): JsonDepth {
    const copy = new JsonDepth();
    copy.depth = this.depth;
    copy.inString = this.inString;
    copy.escaped = this.escaped;
    return copy;
  }

  get insideString(): boolean {
    return this.inString;
  }

  /** Tokens that closing takes at worst: a quote, a colon and a value per open level, and the stop token. */
  get reserve(): number {
    return 3 * Math.max(0, this.depth) + (this.inString ? 1 : 0) + 2;
  }
}

const allowed = (bitmask: Int32Array, id: number) => (((bitmask[id >>> 5] as number) >>> (id & 31)) & 1) === 1;

/** The first tier with a legal token, as a bitmask of just those tokens; null when no tier has one. */
export function narrowToTier(bitmask: Int32Array, closing: ClosingTiers, inString: boolean): Int32Array | null {
  const [stop, closers, quote, ...rest] = closing.tiers;
  const order = inString ? [stop, quote, closers, ...rest] : closing.tiers;
  for (const tier of order) {
    if (!tier) continue;
    let narrowed: Int32Array | null = null;
    for (const id of tier) {
      if (!allowed(bitmask, id)) continue;
      narrowed ??= new Int32Array(bitmask.length);
      narrowed[id >>> 5] = (narrowed[id >>> 5] as number) | (1 << (id & 31));
    }
    if (narrowed) return narrowed;
  }
  return null;
}

/** The allowed token with the longest text (fewest steps through text the grammar forces); -1 if none. */
export function longestAllowed(bitmask: Int32Array, lengths: Uint16Array): number {
  let best = -1;
  let bestLength = -1;
  for (let w = 0; w < bitmask.length; w++) {
    const word = bitmask[w] as number;
    if (word === 0) continue;
    for (let b = 0; b < 32; b++) {
      if (((word >>> b) & 1) === 0) continue;
      const id = (w << 5) + b;
      const length = lengths[id] ?? 0;
      if (length > bestLength) {
        best = id;
        bestLength = length;
      }
    }
  }
  return best;
}

/** The first allowed id of a bitmask; -1 if none. */
export function firstAllowed(bitmask: Int32Array): number {
  for (let w = 0; w < bitmask.length; w++) {
    const word = bitmask[w] as number;
    if (word !== 0) return (w << 5) + (31 - Math.clz32(word & -word));
  }
  return -1;
}
