/**
 * Finds stop sequences in streamed text. Text that could still be the start of
 * a stop sequence is held back, so the matched text is never emitted even when
 * it arrives split across several tokens.
 */
export class StopMatcher {
  private pending = '';
  private readonly longest: number;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = sequences.reduce((n, s) => Math.max(n, s.length), 0);
  }

  /** Feeds new text; returns the text now safe to emit and whether a sequence matched. */
  push(text: string): { emit: string; matched: boolean } {
    if (this.longest === 0) return { emit: text, matched: false };
    const buffer = this.pending + text;
    let cut = -1;
    for (const s of this.sequences) {
      const at = buffer.indexOf(s);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      this.pending = '';
      return { emit: buffer.slice(0, cut), matched: true };
    }
    const hold = this.heldSuffixLength(buffer);
    this.pending = buffer.slice(buffer.length - hold);
    return { emit: buffer.slice(0, buffer.length - hold), matched: false };
  }

  /** Releases held-back text when the stream ends without a match. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  /** Length of the longest suffix of `buffer` that is a proper prefix of some sequence. */
  private heldSuffixLength(buffer: string): number {
    const max = Math.min(buffer.length, this.longest - 1);
    for (let n = max; n > 0; n--) {
      const suffix = buffer.slice(buffer.length - n);
      if (this.sequences.some((s) => s.startsWith(suffix))) return n;
    }
    return 0;
  }
}
