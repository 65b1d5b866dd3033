import type { GenerationStats, StreamEvent } from '../../workers/protocol';

/**
 * One answer across two engine runs: after a lost GPU the page reloads the model on WASM and a second run goes
 * on from the first one's ids (`continueIds`). Its stream starts again at index 0 and its `done` holds only
 * what it added; this maps its events onto the answer the page has been showing, so everything above the
 * bridge sees one unbroken run.
 */
export class ContinuedAnswer {
  /** Ids and text the earlier runs of this answer emitted. */
  private ids: number[] = [];
  private text = '';
  /** The first run's `maxTokens`: what the whole answer may use. */
  private maxTokens: number | null = null;

  /** Notes an event of the current run; returns it as the answer's event, or null to drop it. */
  map(event: StreamEvent): StreamEvent | null {
    if (event.type === 'start') {
      if (this.maxTokens === null) {
        this.maxTokens = event.maxTokens;
        return event;
      }
      // The answer has started already: the continuation's start (its longer prompt) is not news.
      return null;
    }
    if (this.ids.length === 0) return event;
    switch (event.type) {
      case 'token':
        return { ...event, index: event.index + this.ids.length };
      case 'stats':
        return { ...event, stats: this.answerStats(event.stats) };
      case 'done':
        return {
          ...event,
          text: this.text + event.text,
          tokenIds: [...this.ids, ...(event.tokenIds ?? [])],
          stats: this.answerStats(event.stats),
        };
      case 'error':
        return { ...event, tokenIds: [...this.ids, ...(event.tokenIds ?? [])] };
      default:
        return event;
    }
  }

  /** Every id the answer's runs have emitted so far. */
  get emittedIds(): number[] {
    return [...this.ids];
  }

  /** The continuation counts only its own tokens and budget; the answer's figures count them all. */
  private answerStats(stats: GenerationStats): GenerationStats {
    return { ...stats, tokens: stats.tokens + this.ids.length, maxTokens: this.maxTokens ?? stats.maxTokens };
  }

  /**
   * A run ended with `GpuLost` after emitting `lost.tokenIds` and `shownText` (the answer's text so far): the
   * ids to go on from and the tokens left, or null when the answer has no room left.
   */
  carryOver(
    lost: Extract<StreamEvent, { type: 'error' }>,
    shownText: string,
  ): { ids: number[]; maxTokens: number } | null {
    this.ids = [...this.ids, ...(lost.tokenIds ?? [])];
    this.text = shownText;
    const left = (this.maxTokens ?? Infinity) - this.ids.length;
    return left >= 1 ? { ids: [...this.ids], maxTokens: Number.isFinite(left) ? left : 256 } : null;
  }
}
