/**
 * A token bucket: `rate` tokens per second refill it up to `burst`. Used to pace how
 * fast text appears on screen (one token = one character), never how fast the engine runs.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | null = null;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes up to `wanted` whole tokens at time `now` (ms); returns how many were granted. */
  take(now: number, wanted: number): number {
    if (this.last !== null) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  /** Forget the time while nothing was waiting, so an idle gap does not become a burst. */
  idle(): void {
    this.last = null;
  }
}

export type PacingMode = 'off' | 'calm' | 'custom';
export const CALM_CHARS_PER_SECOND = 40;

/** Chars per second for a pacing setting, or null for no pacing. */
export function pacingRate(mode: PacingMode, customCharsPerSecond: number): number | null {
  if (mode === 'calm') return CALM_CHARS_PER_SECOND;
  if (mode === 'custom' && Number.isFinite(customCharsPerSecond) && customCharsPerSecond > 0)
    return customCharsPerSecond;
  return null;
}

/**
 * Holds text back and releases it at the bucket's pace, one frame at a time.
 * `drain()` hands over everything at once (done, stop): pacing never loses text.
 */
export class TextPacer {
  private pending = '';
  private readonly bucket: TokenBucket | null;

  constructor(charsPerSecond: number | null) {
    // A burst of a quarter second keeps frames smooth without letting text jump.
    this.bucket = charsPerSecond === null ? null : new TokenBucket(charsPerSecond, Math.max(1, charsPerSecond / 4));
  }

  get waiting(): number {
    return this.pending.length;
  }

  push(text: string): void {
    this.pending += text;
  }

  /** The text to show now. */
  release(now: number): string {
    if (!this.bucket) return this.drain();
    if (this.pending === '') {
      this.bucket.idle();
      return '';
    }
    let n = this.bucket.take(now, this.pending.length);
    // Never split a surrogate pair (an emoji would flash as two broken halves).
    const code = this.pending.charCodeAt(n - 1);
    if (n > 0 && n < this.pending.length && code >= 0xd800 && code <= 0xdbff) n++;
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    return out;
  }

  drain(): string {
    const out = this.pending;
    this.pending = '';
    return out;
  }
}
