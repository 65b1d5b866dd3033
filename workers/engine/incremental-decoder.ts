/**
 * Turns a growing list of token ids into text deltas, the way TGI does: decode a
 * short window twice (with and without the newest tokens) and emit the
 * difference. A token that ends inside a UTF-8 character decodes to U+FFFD, so
 * its bytes wait for the next token instead of reaching the user as garbage.
 * Work per token is bounded by the window, not by the length of the text.
 */
export type DecodeFn = (ids: readonly number[]) => string;

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
    this.ids.push(id);
    const prefix = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const full = this.decode(this.ids.slice(this.prefixOffset));
    if (full.length > prefix.length && !full.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return full.slice(prefix.length);
    }
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
