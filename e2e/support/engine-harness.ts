import type { Page } from '@playwright/test';
import type {
  EngineApi,
  FinishReason,
  GenerateRequest,
  GenerationStats,
  LoadResult,
  ModelSpec,
  StreamEvent,
} from '../../workers/protocol';

/** The engine-only page: the production build with no UI, so tests own the engine. */
export const HARNESS_URL = '/?harness';

export const DEMO: ModelSpec = { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32' };
export const EOS_TEST: ModelSpec = { source: { kind: 'url', url: '/models/eos-test/' }, dtype: 'fp32' };

export interface RunSummary {
  ids: number[];
  texts: string[];
  reason: FinishReason | null;
  doneText: string | null;
  error: { name: string; message: string } | null;
  tokenTimes: number[];
  stats: { decodeTokPerS: number | null; ttftMs: number | null; prefillTokPerS: number | null } | null;
  /** The `start` event, with the KV-cache figures (reused, prefilled, evicted). */
  start: Extract<StreamEvent, { type: 'start' }> | null;
  /** `done.stats` in full and `done.tokenIds`. */
  doneStats: GenerationStats | null;
  tokenIds: number[] | null;
}

declare global {
  interface Window {
    __typewriter: { engine: EngineApi };
    __run?: Promise<RunSummary>;
    __runState?: { ids: number[]; tokenTimes: number[]; pausedAt: number | null; started: boolean };
  }
}

export async function openHarness(page: Page): Promise<void> {
  await page.goto(HARNESS_URL);
  await page.waitForFunction(() => Boolean(window.__typewriter?.engine));
}

export function load(page: Page, spec: ModelSpec): Promise<LoadResult> {
  return page.evaluate((s) => window.__typewriter.engine.load(s as ModelSpec), spec);
}

export async function loadError(page: Page, spec: ModelSpec): Promise<{ name: string; message: string }> {
  return page.evaluate(async (s) => {
    try {
      await window.__typewriter.engine.load(s as ModelSpec);
      return { name: 'none', message: 'loaded' };
    } catch (e) {
      const err = e as Error;
      return { name: err.name, message: err.message };
    }
  }, spec);
}

/**
 * Starts a generation inside the page and drains its stream in the background;
 * `window.__runState` shows progress while it runs, `finish()` awaits the summary.
 */
export async function startRun(page: Page, request: GenerateRequest): Promise<void> {
  await page.evaluate(async (req) => {
    const state = { ids: [] as number[], tokenTimes: [] as number[], pausedAt: null as number | null, started: false };
    window.__runState = state;
    const stream = await window.__typewriter.engine.generate(req);
    window.__run = (async () => {
      const summary: RunSummary = {
        ids: state.ids,
        texts: [],
        reason: null,
        doneText: null,
        error: null,
        tokenTimes: state.tokenTimes,
        stats: null,
        start: null,
        doneStats: null,
        tokenIds: null,
      };
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.type === 'token') {
          state.ids.push(value.id);
          state.tokenTimes.push(performance.now());
          summary.texts.push(value.text);
        } else if (value.type === 'paused') {
          state.pausedAt = state.ids.length;
        } else if (value.type === 'start') {
          summary.start = value;
          state.started = true;
        } else if (value.type === 'done') {
          summary.reason = value.reason;
          summary.doneText = value.text;
          summary.stats = value.stats;
          summary.doneStats = value.stats;
          summary.tokenIds = value.tokenIds ?? null;
        } else if (value.type === 'error') summary.error = { name: value.name, message: value.message };
      }
      return summary;
    })();
  }, request);
}

export function finish(page: Page): Promise<RunSummary> {
  return page.evaluate(() => window.__run as Promise<RunSummary>);
}

export async function run(page: Page, request: GenerateRequest): Promise<RunSummary> {
  await startRun(page, request);
  return finish(page);
}

export function tokenCount(page: Page): Promise<number> {
  return page.evaluate(() => window.__runState?.ids.length ?? 0);
}

export async function waitForTokens(page: Page, n: number): Promise<void> {
  await page.waitForFunction((count) => (window.__runState?.ids.length ?? 0) >= count, n);
}

export function forwardPasses(page: Page): Promise<number> {
  return page.evaluate(async () => (await window.__typewriter.engine.status()).forwardPasses);
}

export function generateError(page: Page, request: GenerateRequest): Promise<{ name: string; message: string }> {
  return page.evaluate(async (req) => {
    try {
      const stream = await window.__typewriter.engine.generate(req);
      await stream.cancel();
      return { name: 'none', message: 'started' };
    } catch (e) {
      const err = e as Error;
      return { name: err.name, message: err.message };
    }
  }, request);
}

/** Pauses, then waits for the stream's `paused` event: tokens produced before the pause drain first. */
export async function pauseAndDrain(page: Page): Promise<number> {
  await page.evaluate(() => window.__typewriter.engine.pause());
  await page.waitForFunction(() => window.__runState?.pausedAt !== null);
  return page.evaluate(() => window.__runState?.pausedAt ?? -1);
}
