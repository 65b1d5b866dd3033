import type { LoadSpeed } from './bridge-types';

export interface ByteSample {
  at: number;
  loaded: number;
}

/** Seconds of history the download speed is averaged over: long enough to be steady, short enough to react. */
export const SPEED_WINDOW_MS = 3000;

/**
 * Download speed over a sliding window and the time left at that speed.
 * `samples` is mutated: the new sample is added and old ones dropped.
 */
export function trackLoadSpeed(samples: ByteSample[], at: number, loaded: number, total: number | null): LoadSpeed {
  samples.push({ at, loaded });
  while (samples.length > 2 && at - (samples[0]?.at ?? at) > SPEED_WINDOW_MS) samples.shift();
  const first = samples[0];
  if (!first || at - first.at < 200 || loaded <= first.loaded) return { bytesPerSecond: null, etaMs: null };
  const bytesPerSecond = ((loaded - first.loaded) * 1000) / (at - first.at);
  const etaMs = total !== null && total >= loaded ? ((total - loaded) * 1000) / bytesPerSecond : null;
  return { bytesPerSecond, etaMs };
}

/** Keeps a whole-run series bounded: when full, neighbouring points are averaged, halving the resolution. */
export function appendBounded(series: number[], value: number, max: number): number[] {
  series.push(value);
  if (series.length <= max) return series;
  const halved: number[] = [];
  for (let i = 0; i < series.length; i += 2) {
    const a = series[i] ?? 0;
    const b = series[i + 1];
    halved.push(b === undefined ? a : (a + b) / 2);
  }
  return halved;
}
