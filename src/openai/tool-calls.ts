import type { ToolCallOut } from './chunk-encoder';

/**
 * Finds the function calls in a model's streamed text. Qwen-style chat templates (Qwen2.5, Qwen3,
 * Hermes) tell the model to answer a call as
 *
 *   <tool_call>
 *   {"name": "get_weather", "arguments": {"city": "Paris"}}
 *   </tool_call>
 *
 * Text outside the tags is content. Text that may still become an opening tag is held back until
 * it is decided, so a call never leaks into `content`. A block whose JSON is not a call (or a block
 * left open when the generation ended) is given back as content, as written: nothing is dropped.
 */

export type ScanOutput = { type: 'content'; text: string } | { type: 'tool-call'; call: ToolCallOut };

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagAtEnd(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

/** A call's own id, when the text carries one (a remote server's, put back by RemoteRun): kept if it looks like one. */
const OWN_ID = /^[\w.:-]{1,64}$/;

/** `{"name": "...", "arguments": {...} | "...", "id"?: "..."}` → a call (with `id` unless it names its own), else null. */
export function parseToolCallJson(json: string, id: string): ToolCallOut | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { name, arguments: args, id: own } = value as { name?: unknown; arguments?: unknown; id?: unknown };
  if (typeof name !== 'string' || name.length === 0) return null;
  if (args !== undefined && (typeof args !== 'object' || args === null) && typeof args !== 'string') return null;
  return {
    id: typeof own === 'string' && OWN_ID.test(own) ? own : id,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
}

export class ToolCallScanner {
  private buffer = '';
  private inCall = false;
  /** Whitespace between calls (or before the first one) is layout, not an answer: held until text follows. */
  private pendingSpace = '';
  private calls = 0;
  /** Ids handed out so far: a call naming an id already used gets a fresh one, so ids stay unique per answer. */
  private readonly ids = new Set<string>();

  constructor(private readonly newId: (index: number) => string) {}

  get callCount(): number {
    return this.calls;
  }

  push(text: string): ScanOutput[] {
    this.buffer += text;
    const out: ScanOutput[] = [];
    for (;;) {
      if (this.inCall) {
        const end = this.buffer.indexOf(CLOSE);
        if (end === -1) break;
        const body = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + CLOSE.length);
        this.inCall = false;
        const parsed = parseToolCallJson(body.trim(), this.newId(this.calls));
        const call = parsed && this.ids.has(parsed.id) ? { ...parsed, id: this.newId(this.calls) } : parsed;
        if (call) {
          this.ids.add(call.id);
          this.pendingSpace = '';
          this.calls += 1;
          out.push({ type: 'tool-call', call });
        } else this.content(`${OPEN}${body}${CLOSE}`, out);
        continue;
      }
      const start = this.buffer.indexOf(OPEN);
      if (start === -1) {
        const keep = partialTagAtEnd(this.buffer, OPEN);
        this.content(this.buffer.slice(0, this.buffer.length - keep), out);
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        break;
      }
      this.content(this.buffer.slice(0, start), out);
      this.buffer = this.buffer.slice(start + OPEN.length);
      this.inCall = true;
    }
    return out;
  }

  /** The generation ended: what is held back is content (an unclosed call block included). */
  flush(): ScanOutput[] {
    const out: ScanOutput[] = [];
    const rest = this.inCall ? `${OPEN}${this.buffer}` : this.buffer;
    this.buffer = '';
    this.inCall = false;
    this.content(rest, out);
    // Trailing whitespace after a call is layout too.
    if (this.calls === 0 && this.pendingSpace) out.push({ type: 'content', text: this.pendingSpace });
    this.pendingSpace = '';
    return out;
  }

  private content(text: string, out: ScanOutput[]): void {
    if (!text) return;
    if (text.trim() === '') {
      this.pendingSpace += text;
      return;
    }
    out.push({ type: 'content', text: this.pendingSpace + text });
    this.pendingSpace = '';
  }
}
