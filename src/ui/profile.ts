/**
 * Opt-in per-stage timing for the bench (`?profile` in the URL): markdown parse, sanitize,
 * and the stats panel's render add their time to `window.__typewriterProfile`. Off, it costs
 * one boolean check per call.
 */
export interface StageTiming {
  count: number;
  ms: number;
}

const enabled = typeof location !== 'undefined' && new URLSearchParams(location.search).has('profile');
const stages: Record<string, StageTiming> = {};
if (enabled) (globalThis as unknown as { __typewriterProfile: typeof stages }).__typewriterProfile = stages;

export function timed<T>(stage: string, run: () => T): T {
  if (!enabled) return run();
  const started = performance.now();
  try {
    return run();
  } finally {
    const entry = (stages[stage] ??= { count: 0, ms: 0 });
    entry.count++;
    entry.ms += performance.now() - started;
  }
}
