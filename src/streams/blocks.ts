const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
/**
 * A block longer than this is also finished before a line that starts a fresh
 * paragraph-like line, so the re-rendered tail stays short even when the model
 * never writes a blank line. Only before lines starting with a letter or digit:
 * never inside a code fence, and never before indentation, a table row, a
 * setext underline or a list/quote marker, where a split would change meaning.
 */
export const SOFT_BLOCK_CHARS = 800;
const SOFT_SPLIT_LINE = /^[\p{L}\p{N}]/u;
/**
 * Hard limits for text that never gives a split point, so the re-rendered tail stays bounded: an open code fence
 * past FENCE_SPLIT_CHARS is closed and reopened (two adjacent code blocks, same text), and a line past
 * LINE_SPLIT_CHARS without a newline is split at a space before a word.
 */
export const FENCE_SPLIT_CHARS = 4000;
export const LINE_SPLIT_CHARS = 4000;

/**
 * Splits streaming markdown into blocks at blank lines outside code fences
 * (and before a fresh line once a block passes SOFT_BLOCK_CHARS).
 * Finished blocks never change again, so the UI renders each once; appending
 * rescans only the unfinished tail, never the whole message.
 */
export class BlockSplitter {
  readonly blocks: string[] = [];
  tail = '';
  /** Offset in `tail` of the first line not yet classified. */
  private scanned = 0;
  /** The open fence marker (e.g. "```"), or null outside a code block. */
  private fence: string | null = null;
  /** The line that opened the fence (with its info string), to reopen it after a split. */
  private fenceLine = '';

  /** Returns true when at least one block was finished by this chunk. */
  append(chunk: string): boolean {
    this.tail += chunk;
    let finished = false;
    let nl = this.tail.indexOf('\n', this.scanned);
    while (nl !== -1) {
      const line = this.tail.slice(this.scanned, nl);
      if (this.fence) {
        const close = line.trimStart();
        if (close.startsWith(this.fence) && close.slice(this.fence.length).trim() === '') this.fence = null;
      } else {
        const open = FENCE_OPEN.exec(line);
        if (open?.[1]) {
          this.fence = open[1];
          this.fenceLine = line.trimEnd();
        } else if (this.scanned > SOFT_BLOCK_CHARS && SOFT_SPLIT_LINE.test(line)) {
          this.blocks.push(this.tail.slice(0, this.scanned));
          finished = true;
          this.tail = this.tail.slice(this.scanned);
          this.scanned = 0;
          nl = this.tail.indexOf('\n');
          continue;
        } else if (line.trim() === '') {
          const block = this.tail.slice(0, this.scanned);
          if (block.trim() !== '') {
            this.blocks.push(block);
            finished = true;
          }
          this.tail = this.tail.slice(nl + 1);
          this.scanned = 0;
          nl = this.tail.indexOf('\n');
          continue;
        }
      }
      this.scanned = nl + 1;
      nl = this.tail.indexOf('\n', this.scanned);
    }
    return this.splitOverlong() || finished;
  }

  private splitOverlong(): boolean {
    if (this.fence && this.scanned > FENCE_SPLIT_CHARS) {
      const close = this.fenceLine.slice(0, this.fenceLine.indexOf(this.fence) + this.fence.length);
      this.blocks.push(`${this.tail.slice(0, this.scanned)}${close}\n`);
      const reopen = `${this.fenceLine}\n`;
      this.tail = reopen + this.tail.slice(this.scanned);
      this.scanned = reopen.length;
      return true;
    }
    if (!this.fence && this.tail.length - this.scanned > LINE_SPLIT_CHARS) {
      const line = this.tail.slice(this.scanned);
      let cut = line.lastIndexOf(' ');
      while (cut > 0 && !SOFT_SPLIT_LINE.test(line.slice(cut + 1))) cut = line.lastIndexOf(' ', cut - 1);
      if (cut <= 0) cut = line.length;
      const at = this.scanned + cut + (cut < line.length ? 1 : 0);
      this.blocks.push(this.tail.slice(0, at));
      this.tail = this.tail.slice(at);
      this.scanned = 0;
      return true;
    }
    return false;
  }
}

/** The blocks of a finished message, split exactly as they were while streaming. */
export function splitBlocks(text: string): string[] {
  const splitter = new BlockSplitter();
  splitter.append(text);
  return splitter.tail.trim() === '' ? [...splitter.blocks] : [...splitter.blocks, splitter.tail];
}
