/** Exponential backoff with jitter, and a sleep that a Cancel can end. */

export interface BackoffOptions {
  baseMs?: number;
  /** ± this fraction of the delay, so many tabs do not retry in lockstep. */
  jitter?: number;
  random?: () => number;
}

/** Delay before retry `attempt` (1-based): base · 2^(attempt−1), jittered. 1 s, 2 s, 4 s by default. */
export function backoffDelayMs(
  attempt: number,
  { baseMs = 1000, jitter = 0.1, random = Math.random }: BackoffOptions = {},
): number {
  const delay = baseMs * 2 ** (attempt - 1);
  return Math.round(delay * (1 + jitter * (2 * random() - 1)));
}

export class RetryCancelled extends Error {
  override name = 'LoadCancelled';
  constructor() {
    super('Loading was cancelled while waiting to retry.');
  }
}

/** Resolves after `ms`, or rejects with RetryCancelled as soon as `signal` aborts. */
export function cancellableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new RetryCancelled());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RetryCancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
