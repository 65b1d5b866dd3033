/**
 * When V8's top-tier compilation of ORT's WebAssembly is likely still running, on the worker's clock.
 * Traced on a cold visit (no code cache): TurboFan compiles ORT's hot functions for 7.8–8.3 s of CPU,
 * on several background threads, until ~3.6–3.9 s after the module arrived; on a 2-core machine those
 * threads take the cores from ORT, and a first answer that ran inside that window ran at 310 tok/s
 * against ~900 later. A second visit deserializes the compiled code from the code cache, which lives
 * with the HTTP cache entry: its Resource Timing entry then reads `transferSize` 0, and nothing waits.
 */
export const COLD_TOP_TIER_MS = 4000;

const ORT_WASM = /ort-wasm[^/]*\.wasm(?:[?#]|$)/;

/** The time until which a cold compile may still take the cores, or null when ORT's wasm came from the cache. */
export function coldCompileUntil(
  entries: readonly Pick<PerformanceResourceTiming, 'name' | 'transferSize' | 'responseEnd'>[],
  windowMs = COLD_TOP_TIER_MS,
): number | null {
  const wasm = entries.find((entry) => ORT_WASM.test(entry.name));
  if (!wasm || wasm.transferSize === 0) return null;
  return wasm.responseEnd + windowMs;
}

/** This worker's resource entries (none where Resource Timing is missing, as in Node). */
export function resourceEntries(): PerformanceResourceTiming[] {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByType !== 'function') return [];
  return performance.getEntriesByType('resource') as PerformanceResourceTiming[];
}
