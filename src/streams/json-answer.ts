import type { TextFilter } from './filters';
import { jsonStart, PartialJsonParser } from './partial-json';

export type JsonAnswerState =
  | { kind: 'pending' | 'not-json' }
  | { kind: 'json'; value: unknown; pretty: string; complete: boolean; error: string | null; version: number };

/**
 * Follows one answer's raw text as it grows, through the display filters, and parses it
 * as JSON when it starts like JSON (`{`, `[` or a ```json fence). Only the new suffix is
 * read on each update, so a frame costs in proportion to the text that arrived.
 */
export class JsonAnswerTracker {
  private fed = 0;
  private head = '';
  private parser: PartialJsonParser | null = null;
  private notJson = false;
  private pretty = { version: -1, text: '' };
  private filter: TextFilter;

  constructor(private readonly makeFilter: () => TextFilter) {
    this.filter = makeFilter();
  }

  /** `raw` is the whole answer so far; `ended` once it is final. A shorter text than before starts over. */
  update(raw: string, ended = false): JsonAnswerState {
    if (raw.length < this.fed) this.reset();
    if (raw.length > this.fed && !this.notJson) {
      const piece = this.filter.push(raw.slice(this.fed));
      this.fed = raw.length;
      this.feed(piece);
    }
    if (ended && !this.notJson) {
      this.feed(this.filter.flush());
      this.parser?.end();
    }
    const p = this.parser;
    if (p) {
      // Pretty-printing is the one whole-value step: once per visible change, at most once per frame.
      if (this.pretty.version !== p.version)
        this.pretty = { version: p.version, text: p.value === undefined ? '' : JSON.stringify(p.value, null, 2) };
      const { value, complete, error, version } = p;
      return { kind: 'json', value, pretty: this.pretty.text, complete, error, version };
    }
    return { kind: this.notJson || ended ? 'not-json' : 'pending' };
  }

  private reset(): void {
    this.filter = this.makeFilter();
    this.fed = 0;
    this.head = '';
    this.parser = null;
    this.notJson = false;
  }

  private feed(text: string): void {
    if (this.parser) return this.parser.push(text);
    this.head += text;
    const start = jsonStart(this.head);
    if (start === 'pending') return;
    if (start === null) {
      this.notJson = true;
      this.head = '';
      return;
    }
    this.parser = new PartialJsonParser();
    this.parser.push(this.head.slice(start));
    this.head = '';
  }
}
