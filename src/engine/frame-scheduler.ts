export interface FrameSchedulerOptions {
  scheduleFrame: (callback: () => void) => number;
  cancelFrame: (handle: number) => void;
  now: () => number;
  /** Fewest milliseconds between two flushes; extra requests inside the interval coalesce. */
  minIntervalMs: number;
}

/**
 * Coalesces "something changed" into at most one flush per animation frame and
 * per `minIntervalMs`. Rendering costs CPU that, on a small machine, the model
 * needs; pacing the UI keeps the stream, not the screen, the bottleneck.
 */
export function createFrameScheduler(flush: () => void, options: FrameSchedulerOptions) {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastFlushAt = -Infinity;

  const run = () => {
    frame = null;
    lastFlushAt = options.now();
    flush();
  };

  return {
    request(): void {
      if (frame !== null || timer !== null) return;
      const wait = lastFlushAt + options.minIntervalMs - options.now();
      if (wait <= 0) {
        frame = options.scheduleFrame(run);
        return;
      }
      timer = setTimeout(() => {
        timer = null;
        frame ??= options.scheduleFrame(run);
      }, wait);
    },
    /** Flushes at once, cancelling anything scheduled (a run ended; its last text must show now). */
    flushNow(): void {
      this.cancel();
      run();
    },
    cancel(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (frame !== null) options.cancelFrame(frame);
      frame = null;
    },
  };
}
