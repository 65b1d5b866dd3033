import { StreamAnalyzer, type TextAnalysis } from './analysis';
import { displayFilter, type DisplayFilterSettings, type TextFilter } from './filters';
import { pacingRate, TextPacer, type PacingMode } from './token-bucket';

export interface DisplaySettings extends DisplayFilterSettings {
  pacing: PacingMode;
  pacingCharsPerSecond: string;
}

/**
 * What one generation looks like on screen: raw text → display filters → pacer.
 * The analyzer reads the raw text (what the model wrote). All steps keep running
 * state, so each frame costs in proportion to the new text only.
 */
export class DisplayPipeline {
  private readonly filter: TextFilter;
  private readonly pacer: TextPacer;
  private readonly analyzer = new StreamAnalyzer();

  constructor(settings: DisplaySettings) {
    this.filter = displayFilter(settings);
    this.pacer = new TextPacer(pacingRate(settings.pacing, Number(settings.pacingCharsPerSecond)));
  }

  push(raw: string): void {
    this.analyzer.push(raw);
    this.pacer.push(this.filter.push(raw));
  }

  /** Text to show at `now`, at the pacing rate. */
  release(now: number): string {
    return this.pacer.release(now);
  }

  /** Characters filtered but not shown yet. */
  get waiting(): number {
    return this.pacer.waiting;
  }

  /** Everything left, at once: the stream ended or the user stopped it. */
  finish(): string {
    this.pacer.push(this.filter.flush());
    return this.pacer.drain();
  }

  /** Everything already filtered, at once (Stop): held-back filter text stays held. */
  catchUp(): string {
    return this.pacer.drain();
  }

  analysis(activeMs: number | null): TextAnalysis {
    return this.analyzer.snapshot(activeMs);
  }
}
