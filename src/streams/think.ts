/**
 * Splits a reasoning model's output into its thinking and its answer, as the text streams.
 *
 * Qwen3 (and the DeepSeek-R1 family) write `<think>…</think>` before the answer. In Qwen3's
 * vocabulary both tags are single tokens, but they decode to plain text, and a tokenizer may
 * also spell them out over several tokens, so the splitter works on text and holds back at
 * most a tag's length while a tag may be arriving. Each chunk is looked at once: the cost per
 * token is the token, never the text so far.
 *
 * Only a `<think>` at the very start of the answer (after whitespace) opens a thinking section,
 * as reasoning models write it; a `<think>` later in an answer is just text. An unclosed section
 * stays thinking to the end (a run stopped or cut off while thinking). The whitespace between
 * `</think>` and the answer is dropped (the templates themselves `lstrip('\n')` it), and so is the
 * whitespace right after `<think>`.
 */

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';

/** Where the splitter is: before any content, inside `<think>`, or in the answer. */
export type ThinkPhase = 'start' | 'thinking-start' | 'thinking' | 'answer-start' | 'answer';

export interface ThinkPieces {
  thinking: string;
  answer: string;
}

/** Leading whitespace held while waiting to see whether `<think>` follows; past this, it is the answer. */
const MAX_LEADING = 64;

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagAtEnd(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

export class ThinkSplitter {
  phase: ThinkPhase;
  /** Text held back: leading whitespace and a possible `<think>` at the start, or a possible `</think>`. */
  private held = '';

  /** `startThinking`: the prompt already opened `<think>` (templates that put it in the generation prompt). */
  constructor(options: { startThinking?: boolean } = {}) {
    this.phase = options.startThinking ? 'thinking-start' : 'start';
  }

  /** True once a thinking section was opened (it may still be open). */
  get sawThinking(): boolean {
    return this.phase === 'thinking' || this.phase === 'thinking-start' || this.closed;
  }

  /** True once `</think>` was seen. */
  closed = false;

  push(chunk: string): ThinkPieces {
    const out: ThinkPieces = { thinking: '', answer: '' };
    let text = this.held + chunk;
    this.held = '';
    // At most three phase changes per chunk (start → thinking → answer-start → answer).
    while (text !== '') {
      if (this.phase === 'answer') {
        out.answer += text;
        break;
      }
      if (this.phase === 'answer-start' || this.phase === 'thinking-start') {
        // The whitespace after `<think>` and between `</think>` and the answer is layout, not content.
        const rest = text.trimStart();
        if (rest === '') break;
        this.phase = this.phase === 'answer-start' ? 'answer' : 'thinking';
        text = rest;
        continue;
      }
      if (this.phase === 'start') {
        const rest = text.trimStart();
        if (rest.startsWith(THINK_OPEN)) {
          this.phase = 'thinking-start';
          text = rest.slice(THINK_OPEN.length);
          continue;
        }
        if (text.length <= MAX_LEADING && THINK_OPEN.startsWith(rest)) {
          this.held = text; // "", whitespace, or the start of "<think>"
          break;
        }
        this.phase = 'answer';
        continue;
      }
      // thinking
      const end = text.indexOf(THINK_CLOSE);
      if (end !== -1) {
        out.thinking += text.slice(0, end);
        this.phase = 'answer-start';
        this.closed = true;
        text = text.slice(end + THINK_CLOSE.length);
        continue;
      }
      const keep = partialTagAtEnd(text, THINK_CLOSE);
      out.thinking += text.slice(0, text.length - keep);
      this.held = text.slice(text.length - keep);
      break;
    }
    return out;
  }

  /** The end of the stream: what was held back is released where it belongs. */
  flush(): ThinkPieces {
    const held = this.held;
    this.held = '';
    if (this.phase === 'thinking' || this.phase === 'thinking-start') return { thinking: held, answer: '' };
    if (this.phase === 'start') {
      this.phase = 'answer';
      return { thinking: '', answer: held };
    }
    return { thinking: '', answer: this.phase === 'answer' ? held : '' };
  }
}

export interface SplitAnswer {
  /** The thinking, or null when the text has no thinking section. */
  thinking: string | null;
  /** False when the section was never closed (stopped or cut off while thinking). */
  thinkingDone: boolean;
  answer: string;
}

/** A finished message split exactly as it was while streaming. */
export function splitThinking(text: string, options?: { startThinking?: boolean }): SplitAnswer {
  const splitter = new ThinkSplitter(options);
  const a = splitter.push(text);
  const b = splitter.flush();
  return {
    thinking: splitter.sawThinking ? (a.thinking + b.thinking).replace(/\s+$/, '') : null,
    thinkingDone: splitter.closed,
    answer: a.answer + b.answer,
  };
}
