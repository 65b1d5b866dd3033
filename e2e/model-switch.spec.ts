import { expect, test, type Page } from '@playwright/test';
import { collectGarbageEverywhere, launchProfile, rendererRssBytes, settledRendererRssBytes } from '../bench/browser';
import type { GenerateRequest, ModelSpec } from '../workers/protocol';

/**
 * User story: someone switches models back and forth, as a returning user in their own Chromium
 * profile, and memory does not creep up. The app keeps one engine worker across switches: in a real
 * profile V8's code cache serves ORT's compiled wasm to each new worker, and a fresh worker per switch
 * made the renderer keep ~300 MB per restart (1.6 GB after 6 switches of the 4 MB demo models; a
 * Playwright context has no code cache, so these run in an on-disk profile, as the bench does).
 * `?restart-worker` still restarts per switch, for the bench to compare; `npm run bench:page` reports both.
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

async function openRuntime(page: Page, query: string) {
  await page.goto(`/?harness${query}`);
  await page.waitForFunction(() => Boolean((window as unknown as Partial<RuntimeWindow>).__typewriter?.bridge));
}

/** Counts the engine workers a page starts (Playwright also sees ORT's pthread workers; the engine's URL names it). */
function countEngineWorkers(page: Page) {
  const urls: string[] = [];
  page.on('worker', (w) => {
    if (w.url().includes('engine.worker')) urls.push(w.url());
  });
  return () => urls.length;
}

async function switchTenTimes(page: Page) {
  const restarts: (number | null)[] = [];
  for (let i = 0; i < 10; i++) {
    const outcome = await switchTo(page, i % 2 === 0 ? Q8 : FP32);
    expect(outcome.error).toBeNull();
    restarts.push(outcome.restartMs);
    expect((await generate(page, 100 + i, 8)).reason).toBe('length');
  }
  return restarts;
}

test("10 model switches in a returning user's profile keep one engine worker, and memory grows by under 25%", async ({
  baseURL,
}) => {
  test.setTimeout(240_000);
  const { context, close } = await launchProfile('wasm', baseURL ?? '');
  try {
    // A first visit fills the HTTP and code caches, as a user's earlier visit did.
    const first = await context.newPage();
    await openRuntime(first, '');
    expect((await switchTo(first, FP32)).ok).toBe(true);
    expect((await generate(first, 1, 32)).reason).toBe('length');
    await first.close();

    const page = await context.newPage();
    const engineWorkers = countEngineWorkers(page);
    await openRuntime(page, '');
    expect((await switchTo(page, FP32)).ok).toBe(true);
    for (let i = 0; i < 3; i++) expect((await generate(page, i + 1, 32)).reason).toBe('length');
    // The GC reaches the engine worker too (one worker), or its load garbage would read as growth.
    expect((await collectGarbageEverywhere(page)).workers).toBe(1);
    const before = await settledRendererRssBytes(() => collectGarbageEverywhere(page));
    test.skip(before === null || rendererRssBytes() === null, 'renderer RSS is read from Linux /proc');
    const restarts = await switchTenTimes(page);
    // The same worker loaded every model: none was started, and no switch reported a restart.
    expect.soft(engineWorkers()).toBe(1);
    expect.soft(restarts.every((ms) => ms === null)).toBe(true);
    const after = await settledRendererRssBytes(() => collectGarbageEverywhere(page));
    const growth = (after ?? NaN) / (before ?? NaN) - 1;
    test.info().annotations.push({
      type: 'renderer RSS',
      description: `${((before ?? 0) / 1e6).toFixed(0)} -> ${((after ?? 0) / 1e6).toFixed(0)} MB (${(growth * 100).toFixed(1)}%)`,
    });
    expect(growth).toBeLessThan(0.25);
  } finally {
    await close();
  }
});

test('?restart-worker starts a fresh engine worker for each of 10 switches, and each answers', async ({ page }) => {
  test.setTimeout(240_000);
  const engineWorkers = countEngineWorkers(page);
  await openRuntime(page, '&restart-worker');
  expect((await switchTo(page, FP32)).ok).toBe(true);
  const workersBefore = engineWorkers();
  const restarts = await switchTenTimes(page);
  expect(engineWorkers() - workersBefore).toBe(10);
  expect(restarts.every((ms) => ms !== null && ms > 0)).toBe(true);
});
