import type { Page } from '@playwright/test';
import { PROBE_BYTES, probeModule } from '../wasm-probe';

/** WASM SIMD streaming-read bandwidth on the page's main thread, GB/s (best of several passes over 256 MiB). */
export function measureBandwidth(page: Page, passes = 6): Promise<number> {
  return page.evaluate(
    async ({ bytes, size, passes }) => {
      const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes));
      const memory = instance.exports.mem as WebAssembly.Memory;
      new Int32Array(memory.buffer).fill(1);
      const sum = instance.exports.sum as (ptr: number, end: number) => number;
      let best = 0;
      for (let i = 0; i < passes; i++) {
        const started = performance.now();
        sum(0, size);
        best = Math.max(best, size / ((performance.now() - started) * 1e6));
      }
      return best;
    },
    { bytes: probeModule(), size: PROBE_BYTES, passes },
  );
}
