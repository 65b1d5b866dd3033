import { expect, test, type Page } from '@playwright/test';
import { pageHeap, settledRendererRssBytes } from '../bench/browser';
import type { GenerateRequest, ModelSpec } from '../workers/protocol';

/**
 * User story: someone switches models back and forth. Each switch starts a fresh engine worker, so
 * the old model's WASM heap (which never shrinks) is given back, and memory does not creep up.
 * The demo models are small, so the bound is generous; `npm run bench:page` compares the default
 * with `?keep-worker` side by side and reports the switch cost.
 */

const FP32: ModelSpec = { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'wasm' };
const Q8: ModelSpec = { ...FP32, dtype: 'q8' };

interface RuntimeWindow {
  __typewriter: {
    bridge: {
      load(spec: ModelSpec): Promise<{ ok: boolean; error?: { name: string; message: string } }>;
      generate(request: GenerateRequest): Promise<{ reason: string }>;
    };
    store: { getState(): { model: { restartMs: number | null } } };
  };
}

function switchTo(page: Page, spec: ModelSpec) {
  return page.evaluate(async (s) => {
    const w = window as unknown as RuntimeWindow;
    const outcome = await w.__typewriter.bridge.load(s as ModelSpec);
    return { ok: outcome.ok, error: outcome.error ?? null, restartMs: w.__typewriter.store.getState().model.restartMs };
  }, spec);
}

function generate(page: Page, seed: number, maxTokens: number) {
  return page.evaluate((r) => (window as unknown as RuntimeWindow).__typewriter.bridge.generate(r), {
    prompt: 'Once upon a time',
    maxTokens,
    temperature: 0.8,
    seed,
  } satisfies GenerateRequest);
}

test('10 model switches restart the worker each time and memory grows by under 25%', async ({ page }) => {
  test.setTimeout(240_000);
  const engineWorkers: string[] = [];
  page.on('worker', (w) => {
    if (w.url().includes('engine.worker')) engineWorkers.push(w.url());
  });
  await page.goto('/?harness');
  await page.waitForFunction(() => Boolean((window as unknown as Partial<RuntimeWindow>).__typewriter?.bridge));
  expect((await switchTo(page, FP32)).ok).toBe(true);
  for (let i = 0; i < 3; i++) expect((await generate(page, i + 1, 32)).reason).toBe('length');
  const before = await settledRendererRssBytes(() => pageHeap(page));
  test.skip(before === null, 'renderer RSS is read from Linux /proc');
  const workersBefore = engineWorkers.length;

  for (let i = 0; i < 10; i++) {
    const outcome = await switchTo(page, i % 2 === 0 ? Q8 : FP32);
    expect(outcome.error).toBeNull();
    expect(outcome.restartMs).not.toBeNull();
    expect((await generate(page, 100 + i, 8)).reason).toBe('length');
  }
  // A fresh worker per switch: without the restart, one worker would hold every model's high-water mark.
  expect(engineWorkers.length - workersBefore).toBe(10);
  const after = await settledRendererRssBytes(() => pageHeap(page));
  const growth = (after ?? NaN) / (before ?? NaN) - 1;
  test.info().annotations.push({
    type: 'renderer RSS',
    description: `${((before ?? 0) / 1e6).toFixed(0)} -> ${((after ?? 0) / 1e6).toFixed(0)} MB (${(growth * 100).toFixed(1)}%)`,
  });
  expect(growth).toBeLessThan(0.25);
});
