import { describeError, type NamedError } from '../../common/error-names';
import type { LoadResult, ModelSpec } from '../../workers/protocol';
import { bundledSpec } from '../catalog';
import type { LoadRetry } from './bridge-types';
import { backoffDelayMs, cancellableSleep } from '../streams/retry';

/** NetworkError loads are retried this many times, after 1 s, 2 s and 4 s (jittered). */
export const LOAD_RETRIES = 3;

/** Picks the model to load when `failed` could not be fetched, or null for none. */
export type LoadFallback = (failed: ModelSpec) => ModelSpec | null;

function sameSource(a: ModelSpec, b: ModelSpec): boolean {
  return JSON.stringify(a.source) === JSON.stringify(b.source);
}

/** The chat app's fallback: the bundled model, which ships with the app and needs no network. */
export const bundledFallback: LoadFallback = (failed) => {
  const bundled = bundledSpec(failed.backend ?? 'auto');
  return sameSource(failed, bundled) || failed.source.kind === 'files' ? null : bundled;
};

export function fallbackNotice(label: string, error: { message: string }): NamedError {
  return {
    name: 'ModelFallback',
    message: `${label} could not be downloaded (${error.message}), even after ${LOAD_RETRIES} retries, so the bundled test model is loaded instead. Retry tries ${label} again.`,
  };
}

/**
 * A network failure: the engine's NetworkError, or a raw fetch failure that reached us
 * unnamed (`TypeError: Failed to fetch`, which is how Chromium reports an unreachable host).
 * Missing files, bad hashes and the like are not: retrying cannot fix them.
 */
export function isNetworkError(error: { name: string; message: string }): boolean {
  return (
    error.name === 'NetworkError' || (error.name === 'TypeError' && /failed to fetch|network/i.test(error.message))
  );
}

/**
 * Runs `load`, retrying a network failure (only) with exponential backoff. Each wait is
 * announced through `onRetry` (null when it ends); aborting `signal` ends a wait at once
 * with LoadCancelled.
 */
export async function loadWithRetries(
  load: () => Promise<LoadResult>,
  options: { signal: AbortSignal; onRetry: (retry: LoadRetry | null) => void; random?: () => number },
): Promise<LoadResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      const named = describeError(error);
      if (!isNetworkError(named) || attempt > LOAD_RETRIES || options.signal.aborted) throw error;
      const delayMs = backoffDelayMs(attempt, { random: options.random ?? Math.random });
      options.onRetry({ attempt, of: LOAD_RETRIES, at: Date.now() + delayMs, error: named });
      await cancellableSleep(delayMs, options.signal);
      options.onRetry(null);
    }
  }
}
