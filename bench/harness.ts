import type { BrowserContext, Page } from '@playwright/test';
import type {
  EngineApi,
  GenerateRequest,
  GenerationStats,
  LoadResult,
  ModelSpec,
  PeerRunResult,
} from '../workers/protocol';

/** What the harness page exposes (the production build at `/?harness`: engine only, no UI). */
interface HarnessWindow {
  __typewriter: { engine: EngineApi };
}

export interface OurRun {
  tokens: number;
  stats: GenerationStats;
  /** Decode rate as the page's reader saw tokens arrive (first to last token event). */
  readerTokPerS: number;
  /** performance.now() in the page at each token's arrival. */
  tokenTimes: number[];
}

export async function openHarness(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/?harness');
  await page.waitForFunction(() => Boolean((window as unknown as Partial<HarnessWindow>).__typewriter?.engine));
  return page;
}

export async function loadModel(page: Page, spec: ModelSpec): Promise<{ result: LoadResult; wallMs: number }> {
  return page.evaluate(async (s) => {
    const started = performance.now();
    const result = await (window as unknown as HarnessWindow).__typewriter.engine.load(s as ModelSpec);
    return { result, wallMs: performance.now() - started };
  }, spec);
}

export function unloadModel(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as HarnessWindow).__typewriter.engine.unload());
}

/** Our engine's stream, drained by a reader that does nothing else: the raw rate with no UI work. */
export function runOurs(page: Page, request: GenerateRequest): Promise<OurRun> {
  return page.evaluate(async (req) => {
    const stream = await (window as unknown as HarnessWindow).__typewriter.engine.generate(req);
    const reader = stream.getReader();
    const tokenTimes: number[] = [];
    let stats: GenerationStats | null = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'token') tokenTimes.push(performance.now());
      else if (value.type === 'done') stats = value.stats;
      else if (value.type === 'error') throw new Error(`${value.name}: ${value.message}`);
    }
    if (!stats) throw new Error('the stream ended without a done event');
    const first = tokenTimes[0] ?? 0;
    const last = tokenTimes.at(-1) ?? first;
    const readerTokPerS = tokenTimes.length > 1 ? ((tokenTimes.length - 1) * 1000) / (last - first) : 0;
    return { tokens: tokenTimes.length, stats, readerTokPerS, tokenTimes };
  }, request);
}

export function runPeer(page: Page, request: GenerateRequest): Promise<PeerRunResult> {
  return page.evaluate((req) => (window as unknown as HarnessWindow).__typewriter.engine.peerGenerate(req), request);
}
