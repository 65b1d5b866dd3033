/**
 * Liveness of the engine worker, by heartbeat: a worker that died without an `error` event
 * (closed itself, was killed by the browser for memory) or that stopped answering (an endless
 * loop) is noticed within `hangMs`. The worker answers between forward passes, so a decode
 * loop keeps answering; a load or a prefill can block it for one long synchronous pass, so
 * after a `load`/`generate` call the next answer gets the longer `busyHangMs`, and so does the
 * first answer of a new worker (its modules are still being evaluated).
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

const realTimers: HealthTimers = {
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

export class WorkerHealth {
  private lastAnswer: number;
  private sent = 0;
  private answered = 0;
  /** Pings numbered above this were sent after a long call began; until one is answered, be lenient. */
  private busyFrom: number | null = null;
  /**
   * Long calls still running. A load answers pings between its awaits, then blocks again for seconds
   * (ORT session creation, a big model's first run), so it keeps the longer limit until it settles;
   * on a busy machine the short one read a restarted worker's load as a hang and reloaded it.
   */
  private longCalls = 0;
  private handle: unknown = null;
  /** True once the worker has answered at all: its script loaded and its module ran. */
  started = false;
  private readonly intervalMs: number;
  private readonly hangMs: number;
  private readonly busyHangMs: number;
  private readonly timers: HealthTimers;

  constructor(
    private readonly ping: () => Promise<unknown>,
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

  /** A call that may block the worker for one long pass (load, the prefill after generate) begins. */
  busy(): () => void {
    this.busyFrom ??= this.sent;
    this.lastAnswer = this.timers.now();
    this.longCalls++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.longCalls--;
      this.lastAnswer = Math.max(this.lastAnswer, this.timers.now());
    };
  }

  private tick(): void {
    const silent = this.timers.now() - this.lastAnswer;
    // Until its first answer the worker is still evaluating its modules (transformers.js and ORT are large, and a
    // busy machine parses slowly); a script that fails to load says so with an `error` event instead.
    const limit = !this.started || this.busyFrom !== null || this.longCalls > 0 ? this.busyHangMs : this.hangMs;
    if (silent > limit) {
      this.stop();
      this.onHung(silent);
      return;
    }
    // One ping in flight at a time: a blocked worker must not get a queue of them.
    if (this.answered < this.sent) return;
    const seq = ++this.sent;
    this.ping().then(
      () => this.answer(seq),
      () => this.answer(seq),
    );
  }

  private answer(seq: number): void {
    this.answered = Math.max(this.answered, seq);
    this.started = true;
    this.lastAnswer = this.timers.now();
    if (this.busyFrom !== null && seq > this.busyFrom) this.busyFrom = null;
  }
}
