/**
 * A rejection that many awaits race, whatever the JS engine keeps of a settled race.
 *
 * `Promise.race([p, signal])` leaves a reaction on `signal` for every call, and a pending promise keeps
 * its reactions. The crash and GPU-loss signals stay pending for as long as the page or the model lives.
 * Whether each leftover reaction also keeps its race's settled result (a token event, a 600 kB logits row)
 * is up to the engine: measured here, V8 11.3 (Node 20) keeps all of them and Chromium 156 keeps none.
 * `race` subscribes only the awaited promise; the signal holds the rejecter until that promise settles,
 * and then drops it, so nothing stays behind on any engine.
 */
export class RaceSignal {
  private readonly waiting = new Set<(error: unknown) => void>();
  private failure: { error: unknown } | null = null;

  /** Settles as `promise` does, unless the signal rejects first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.failure) {
      promise.catch(() => {});
      return Promise.reject(this.failure.error);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      promise.then(
        (value) => {
          this.waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** Rejects every race now waiting; later races are not affected (the next worker is a new start). */
  rejectWaiting(error: unknown): void {
    const rejecters = [...this.waiting];
    this.waiting.clear();
    for (const reject of rejecters) reject(error);
  }

  /** Rejects every race now waiting and every later one (a lost device stays lost). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.rejectWaiting(this.failure.error);
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Races still waiting: each leaves when its promise settles. */
  get pending(): number {
    return this.waiting.size;
  }
}
