/**
 * Turns a growing list of token ids into text deltas, the way TGI does: decode a
 * short window twice (with and without the newest tokens) and emit the
 * difference. A token that ends inside a UTF-8 character decodes to U+FFFD, so
 * its bytes wait for the next token instead of reaching the user as garbage.
 * Work per token is bounded by the window, not by the length of the text.
 */
export type DecodeFn = (ids: readonly number[]) => string;

/**
 * Tokens the window may hold back. A UTF-8 character needs at most 4 byte tokens, so a longer run that still
 * decodes to nothing new (special tokens, invalid bytes) never will: its text is emitted as decoded (U+FFFD
 * included) and the window moves on, so per-token work stays bounded on any output.
 */
export const MAX_PENDING_TOKENS = 8;

export class IncrementalDecoder {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(private readonly decodeIds: DecodeFn) {}

  /** Tokenizers reject an empty list; the empty window is simply no text. */
  private decode(ids: readonly number[]): string {
    return ids.length === 0 ? '' : this.decodeIds(ids);
  }

  /** Adds one token; returns the text it completes (often the empty string mid-character). */
  push(id: number): string {
    // Only the window is ever decoded again; what came before it can go.
    if (this.prefixOffset > 1024) {
      this.ids.splice(0, this.prefixOffset);
      this.readOffset -= this.prefixOffset;
      this.prefixOffset = 0;
    }
    this.ids.push(id);
    const prefix = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const full = this.decode(this.ids.slice(this.prefixOffset));
    if (full.length > prefix.length && !full.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return full.slice(prefix.length);
    }
    if (this.ids.length - this.readOffset >= MAX_PENDING_TOKENS) return this.flush();
    return '';
  }

  /** Text still waiting for more bytes when the stream ends (an incomplete character). */
  flush(): string {
    const prefix = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const full = this.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return full.slice(prefix.length);
  }
}
