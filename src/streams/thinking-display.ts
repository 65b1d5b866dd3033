import { BlockSplitter } from './blocks';
import { displayFilter, type DisplayFilterSettings, type TextFilter } from './filters';
import { ThinkSplitter } from './think';

/** What the Thinking section shows: plain-text blocks (finished ones never change) and the growing tail. */
export interface ThinkingView {
  blocks: readonly string[];
  tail: string;
  /** `</think>` arrived: the answer follows. */
  done: boolean;
}

/**
 * The live side of a reasoning model's output. Raw text goes in; the thinking is filtered (the same
 * redaction as the answer) and split into blocks for the Thinking section, and the answer comes back
 * out for the answer's own display pipeline. The thinking is not paced (the section is collapsed; the
 * pacing is the answer's typewriter). Cost per chunk is the chunk.
 */
export class ThinkingDisplay {
  private readonly splitter: ThinkSplitter;
  private readonly filter: TextFilter;
  private readonly blocks = new BlockSplitter();
  private current: ThinkingView | null = null;
  private changed = false;
  private blocksChanged = false;

  constructor(settings: DisplayFilterSettings, options?: { startThinking?: boolean }) {
    this.splitter = new ThinkSplitter(options);
    this.filter = displayFilter(settings);
  }

  /** Routes a raw chunk; returns its answer part. */
  push(raw: string): string {
    const { thinking, answer } = this.splitter.push(raw);
    this.show(this.filter.push(thinking));
    return answer;
  }

  /** The end of the stream: returns the answer text held back, and releases the thinking held back. */
  flush(): string {
    const { thinking, answer } = this.splitter.flush();
    this.show(this.filter.push(thinking) + this.filter.flush());
    return answer;
  }

  /** The section's new state if it changed since the last call (a new object; blocks a new array only when one finished). */
  take(): ThinkingView | null {
    if (!this.changed) return null;
    this.changed = false;
    const previous = this.current;
    this.current = {
      blocks: this.blocksChanged || !previous ? [...this.blocks.blocks] : previous.blocks,
      tail: this.blocks.tail,
      done: this.splitter.closed,
    };
    this.blocksChanged = false;
    return this.current;
  }

  private show(text: string): void {
    const opened = this.splitter.sawThinking && this.current === null;
    const closedNow = this.splitter.closed !== (this.current?.done ?? false);
    if (text && this.blocks.append(text)) this.blocksChanged = true;
    if (text || opened || closedNow) this.changed = true;
  }
}
