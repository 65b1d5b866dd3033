import type { Browser, Page } from '@playwright/test';
import { newContext, pageHeap, rendererRssBytes } from '../browser';
import { loadModel, openHarness, runOurs } from '../harness';
import type { BenchServer } from '../server';

export interface MemorySample {
  label: string;
  pageJsHeapBytes: number;
  /** performance.measureUserAgentSpecificMemory(): page + its workers (JS, DOM, and what the browser attributes). */
  uaMemoryBytes: number | null;
  /** Renderer processes' RSS: includes the engine worker's WASM heap. */
  rendererRssBytes: number | null;
}

export interface MemoryMeasure {
  samples: MemorySample[];
  /** Growth after 20 generations vs after 1, and after 10 model switches vs after 20 generations (fractions). */
  growthGenerations: { jsHeap: number; ua: number | null; rss: number | null };
  growthSwitches: { jsHeap: number; ua: number | null; rss: number | null };
}

async function sample(page: Page, label: string): Promise<MemorySample> {
  const pageJsHeapBytes = (await pageHeap(page)).usedBytes;
  const uaMemoryBytes = await page.evaluate(async () => {
    const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
    if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
    // It may wait for a natural GC; give up rather than stall the bench.
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000));
    return Promise.race([p.measureUserAgentSpecificMemory().then((m) => m.bytes), timeout]);
  });
  return { label, pageJsHeapBytes, uaMemoryBytes, rendererRssBytes: rendererRssBytes() };
}

const growth = (a: MemorySample, b: MemorySample) => ({
  jsHeap: b.pageJsHeapBytes / a.pageJsHeapBytes - 1,
  ua: a.uaMemoryBytes && b.uaMemoryBytes ? b.uaMemoryBytes / a.uaMemoryBytes - 1 : null,
  rss: a.rendererRssBytes && b.rendererRssBytes ? b.rendererRssBytes / a.rendererRssBytes - 1 : null,
});

/** Engine memory on the harness page: 1 vs 20 generations, then 10 switches between the demo's fp32 and q8 files. */
export async function runMemory(
  browser: Browser,
  server: BenchServer,
  tokensPerGeneration: number,
  log: (line: string) => void,
): Promise<MemoryMeasure> {
  const context = await newContext(browser, server.origin);
  try {
    const page = await openHarness(context);
    const fp32 = {
      source: { kind: 'url' as const, url: '/models/demo/' },
      dtype: 'fp32' as const,
      backend: 'wasm' as const,
    };
    const q8 = { ...fp32, dtype: 'q8' as const };
    const request = { prompt: 'Once upon a time', maxTokens: tokensPerGeneration, temperature: 0.8, seed: 7 };
    await loadModel(page, fp32);
    await runOurs(page, request);
    const samples = [await sample(page, 'after 1 generation')];
    for (let i = 1; i < 20; i++) await runOurs(page, { ...request, seed: i });
    samples.push(await sample(page, 'after 20 generations'));
    for (let i = 0; i < 10; i++) {
      await loadModel(page, i % 2 === 0 ? q8 : fp32);
      await runOurs(page, { ...request, maxTokens: 8 });
    }
    samples.push(await sample(page, 'after 10 model switches'));
    const [one, twenty, switched] = samples as [MemorySample, MemorySample, MemorySample];
    const result = { samples, growthGenerations: growth(one, twenty), growthSwitches: growth(twenty, switched) };
    log(
      `memory: JS heap ${(one.pageJsHeapBytes / 1e6).toFixed(1)} -> ${(twenty.pageJsHeapBytes / 1e6).toFixed(1)} -> ${(switched.pageJsHeapBytes / 1e6).toFixed(1)} MB, ` +
        `RSS ${((one.rendererRssBytes ?? 0) / 1e6).toFixed(0)} -> ${((twenty.rendererRssBytes ?? 0) / 1e6).toFixed(0)} -> ${((switched.rendererRssBytes ?? 0) / 1e6).toFixed(0)} MB`,
    );
    return result;
  } finally {
    await context.close();
  }
}
