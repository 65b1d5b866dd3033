/**
 * Liveness of the engine worker, by heartbeat: a worker that died without an `error` event
 * (closed itself, was killed by the browser for memory) or that stopped answering (an endless
 * loop) is noticed within `hangMs`. The worker answers between forward passes, so a decode
 * loop keeps answering; a load or a prefill can block it for long synchronous steps (parsing a
 * 150k-token tokenizer, creating an ORT session, one long prefill pass), so while such a call
 * runs — from `busy()` until its release — the limit is the longer `busyHangMs`, and so it is
 * for the first answer of a new worker (its modules are still being evaluated). A load answers
 * pings between its steps, so "until the next answer" would not cover the step after it. A model
 * whose every pass is slow (a big one on a slow CPU) is not hung either: when the ping's answer
 * carries the worker's pass counters, the strict limit stretches to `PASS_HANG_FACTOR` times the
 * recent passes' average (a prefill runs in chunks of about a second, so that covers them too).
 */
export interface HealthTimers {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface HealthOptions {
  intervalMs?: number;
  hangMs?: number;
  busyHangMs?: number;
  timers?: HealthTimers;
}

export const HEARTBEAT_MS = 500;
export const HANG_MS = 2000;
export const BUSY_HANG_MS = 30_000;
export const PASS_HANG_FACTOR = 4;

/** What a ping may answer with: the worker's forward passes so far and their milliseconds. */
export interface PassCounters {
  forwardPasses: number;
  forwardMs: number;
}

const realTimers: HealthTimers = {
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export class WorkerHealth {
  private lastAnswer: number;
  private sent = 0;
  private answered = 0;
  /** Long calls running now (load, a generation until its first token). */
  private busyCalls = 0;
  private handle: unknown = null;
  private lastCounters: PassCounters | null = null;
  /** Average milliseconds of the passes run between the last two answers that saw any. */
  private recentPassMs = 0;
  /** True once the worker has answered at all: its script loaded and its module ran. */
  started = false;
  private readonly intervalMs: number;
  private readonly hangMs: number;
  private readonly busyHangMs: number;
  private readonly timers: HealthTimers;

  constructor(
    private readonly ping: () => Promise<PassCounters | void>,
    private readonly onHung: (silentMs: number) => void,
    options: HealthOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? HEARTBEAT_MS;
    this.hangMs = options.hangMs ?? HANG_MS;
    this.busyHangMs = options.busyHangMs ?? BUSY_HANG_MS;
    this.timers = options.timers ?? realTimers;
    this.lastAnswer = this.timers.now();
  }

  start(): void {
    this.stop();
    this.lastAnswer = this.timers.now();
    this.handle = this.timers.setInterval(() => this.tick(), this.intervalMs);
    this.tick();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
  }

  /** A call that may block the worker for long steps begins; call the returned function when it ends. */
  busy(): () => void {
    this.busyCalls++;
    this.lastAnswer = this.timers.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyCalls--;
      // The strict limit counts from here, not from an answer that may be long ago.
      this.lastAnswer = Math.max(this.lastAnswer, this.timers.now());
    };
  }

  private tick(): void {
    const silent = this.timers.now() - this.lastAnswer;
    // Until its first answer the worker is still evaluating its modules (transformers.js and ORT are large, and a
    // busy machine parses slowly); a script that fails to load says so with an `error` event instead.
    const limit =
      !this.started || this.busyCalls > 0
        ? this.busyHangMs
        : Math.max(this.hangMs, PASS_HANG_FACTOR * this.recentPassMs);
    if (silent > limit) {
      this.stop();
      this.onHung(silent);
      return;
    }
    // One ping in flight at a time: a blocked worker must not get a queue of them.
    if (this.answered < this.sent) return;
    const seq = ++this.sent;
    this.ping().then(
      (counters) => this.answer(seq, counters),
      () => this.answer(seq),
    );
  }

  private answer(seq: number, counters?: PassCounters | void): void {
    if (counters) {
      const last = this.lastCounters;
      if (last && counters.forwardPasses > last.forwardPasses)
        this.recentPassMs = (counters.forwardMs - last.forwardMs) / (counters.forwardPasses - last.forwardPasses);
      this.lastCounters = counters;
    }
    this.answered = Math.max(this.answered, seq);
    this.started = true;
    this.lastAnswer = this.timers.now();
  }
}
