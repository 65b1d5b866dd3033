import type { GenerationStats } from '../protocol';

/**
 * Speed figures for one generation. Time spent paused is taken out of every
 * rate, so a pause does not read as a slowdown.
 */
export class GenerationClock {
  private readonly startedAt: number;
  private pausedSince: number | null = null;
  private pausedTotal = 0;
  private firstTokenAt: number | null = null;
  private prefillMs: number | null = null;
  private readonly window: number[] = [];
  tokens = 0;
  /** Tokens the prefill actually fed (the prompt minus what the KV cache already held). */
  prefillTokens: number;

  constructor(
    private readonly promptTokens: number,
    private readonly maxTokens: number,
    private readonly now: () => number = () => performance.now(),
    private readonly windowSize = 16,
  ) {
    this.startedAt = now();
    this.prefillTokens = promptTokens;
  }

  /** Milliseconds since start with pauses removed. */
  activeMs(): number {
    const pausedNow = this.pausedSince === null ? 0 : this.now() - this.pausedSince;
    return this.now() - this.startedAt - this.pausedTotal - pausedNow;
  }

  pause(): void {
    if (this.pausedSince === null) this.pausedSince = this.now();
  }

  resume(): void {
    if (this.pausedSince === null) return;
    this.pausedTotal += this.now() - this.pausedSince;
    this.pausedSince = null;
  }

  prefillDone(): void {
    this.prefillMs ??= this.activeMs();
  }

  token(): void {
    const t = this.activeMs();
    this.firstTokenAt ??= t;
    this.tokens++;
    this.window.push(t);
    if (this.window.length > this.windowSize) this.window.shift();
  }

  snapshot(): GenerationStats {
    const elapsedMs = this.activeMs();
    const w = this.window;
    const first = w[0];
    const last = w.at(-1);
    const windowRate =
      w.length >= 2 && first !== undefined && last !== undefined && last > first
        ? ((w.length - 1) * 1000) / (last - first)
        : null;
    const decodeSpan = this.firstTokenAt === null || last === undefined ? 0 : last - this.firstTokenAt;
    const averageRate = this.tokens >= 2 && decodeSpan > 0 ? ((this.tokens - 1) * 1000) / decodeSpan : null;
    const rate = windowRate ?? averageRate;
    return {
      promptTokens: this.promptTokens,
      tokens: this.tokens,
      maxTokens: this.maxTokens,
      ttftMs: this.firstTokenAt,
      prefillTokPerS: this.prefillMs && this.prefillMs > 0 ? (this.prefillTokens * 1000) / this.prefillMs : null,
      decodeTokPerS: windowRate,
      averageDecodeTokPerS: averageRate,
      elapsedMs,
      pausedMs: this.pausedTotal + (this.pausedSince === null ? 0 : this.now() - this.pausedSince),
      etaMs: rate ? ((this.maxTokens - this.tokens) * 1000) / rate : null,
    };
  }
}
