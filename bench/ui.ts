import type { Browser, Page } from '@playwright/test';
import type { GenerationStats, LoadResult, ModelSpec } from '../workers/protocol';
import { newContext, openMetrics } from './browser';

/** The slice of the app's store the bench reads (window.__typewriter.store in the real UI). */
interface AppWindow {
  __typewriter: {
    store: {
      getState(): {
        model: { status: string; result: LoadResult | null };
        generation: { status: string; tokens: number; stats: GenerationStats | null };
        settings: { systemPrompt: string };
        samplingChanged(field: string, value: string): void;
        settingsChanged(patch: { speculative?: 'auto' | 'on' | 'off' }): void;
      };
      subscribe(listener: (state: { generation: unknown }, previous: { generation: unknown }) => void): () => void;
    };
    bridge: { load(spec: ModelSpec): Promise<{ ok: boolean }> };
  };
  __typewriterProfile?: Record<string, { count: number; ms: number }>;
  __bench: {
    /** [performance.now(), tokens in the store] at each DOM mutation of the transcript that added tokens. */
    dom: [number, number][];
    frames: { start: number; duration: number; blocking: number }[];
    longTasks: { start: number; duration: number }[];
  };
}

export interface UiRun {
  model: LoadResult;
  tokens: number;
  /** Tokens per second as they appeared in the DOM, first to last rendered token. */
  domTokPerS: number;
  engine: GenerationStats;
  dom: [number, number][];
  /** Per poll: [ms since send, tokens in the store, main-thread task seconds]. */
  busy: [number, number, number][];
  longAnimationFrames: { start: number; duration: number; blocking: number }[];
  longTasks: { start: number; duration: number }[];
  systemPrompt: string;
  /** Store updates of the generation slice during the run (one per paced frame). */
  frames: number;
  /** `?profile` stage timings (markdown parse, DOMPurify), when asked for. */
  stages: Record<string, { count: number; ms: number }>;
  /** The Chromium trace of the run, when asked for. */
  trace: Buffer | null;
}

export interface UiRunOptions {
  /** Sample main-thread time every this many ms (0: not at all). */
  pollMs?: number;
  /** Load this model through the app's bridge before sending (default: the bundled model the app loads). */
  spec?: ModelSpec;
  /** Record a Chromium performance trace of the stream and turn on `?profile` stage timings. */
  trace?: boolean;
  /** The app's prompt-lookup speculation setting for this run (default: the app's, `auto`). */
  speculative?: 'auto' | 'on' | 'off';
}

/** Records long tasks and long animation frames from the first script on, before the app runs. */
function installObservers(): void {
  const bench: AppWindow['__bench'] = { dom: [], frames: [], longTasks: [] };
  (window as unknown as AppWindow).__bench = bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { blockingDuration?: number })[])
      bench.frames.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration ?? 0 });
  }).observe({ type: 'long-animation-frame', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * One answer in the real app, driven as a user would (type in "Message", press Send),
 * in a fresh context (empty IndexedDB, so the conversation holds just this turn).
 * A MutationObserver on the transcript timestamps when the rendered token count grows.
 */
export async function runInUi(
  browser: Browser,
  origin: string,
  maxTokens: number,
  text: string,
  pollOrOptions: number | UiRunOptions = 0,
): Promise<UiRun> {
  const options = typeof pollOrOptions === 'number' ? { pollMs: pollOrOptions } : pollOrOptions;
  const pollMs = options.pollMs ?? 0;
  const context = await newContext(browser, origin);
  try {
    const page = await context.newPage();
    await page.addInitScript(installObservers);
    await page.goto(options.trace ? '/?profile' : '/');
    await page.waitForFunction(
      () => (window as unknown as AppWindow).__typewriter?.store.getState().model.status === 'ready',
      null,
      {
        timeout: 120_000,
      },
    );
    if (options.spec) {
      const loaded = await page.evaluate(
        (spec) => (window as unknown as AppWindow).__typewriter.bridge.load(spec as ModelSpec),
        options.spec,
      );
      if (!loaded.ok) throw new Error(`the UI could not load ${JSON.stringify(options.spec.source)}`);
    }
    const { model, systemPrompt } = await page.evaluate(
      ({ n, speculative }) => {
        const state = (window as unknown as AppWindow).__typewriter.store.getState();
        // Greedy with no penalty, so the harness run of the same prompt yields the same tokens.
        state.samplingChanged('maxTokens', String(n));
        state.samplingChanged('temperature', '0');
        state.samplingChanged('repetitionPenalty', '1');
        if (speculative) state.settingsChanged({ speculative });
        return { model: state.model.result as LoadResult, systemPrompt: state.settings.systemPrompt };
      },
      { n: maxTokens, speculative: options.speculative },
    );
    await page.evaluate(() => {
      const w = window as unknown as AppWindow;
      const log = document.querySelector('[role="log"]');
      if (!log) throw new Error('the transcript (role="log") is missing');
      let last = 0;
      new MutationObserver(() => {
        const tokens = w.__typewriter.store.getState().generation.tokens;
        if (tokens > last) {
          last = tokens;
          w.__bench.dom.push([performance.now(), tokens]);
        }
      }).observe(log, { childList: true, subtree: true, characterData: true });
      (w as unknown as { __frames: number }).__frames = 0;
      w.__typewriter.store.subscribe((state, previous) => {
        if (state.generation !== previous.generation) (w as unknown as { __frames: number }).__frames++;
      });
    });
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    const metrics = await openMetrics(page);
    const busy: [number, number, number][] = [];
    const sentAt = Date.now();
    if (options.trace)
      await browser.startTracing(page, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
      });
    await page.getByRole('button', { name: 'Send' }).click();
    await pollUntilDone(page, pollMs, async () => {
      const [task, tokens] = await Promise.all([metrics.taskSeconds(), storeTokens(page)]);
      busy.push([Date.now() - sentAt, tokens, task]);
    });
    const trace = options.trace ? await browser.stopTracing() : null;
    await metrics.close();
    const result = await page.evaluate(() => {
      const w = window as unknown as AppWindow;
      const g = w.__typewriter.store.getState().generation;
      return {
        tokens: g.tokens,
        engine: g.stats as GenerationStats,
        bench: w.__bench,
        frames: (w as unknown as { __frames: number }).__frames,
        stages: w.__typewriterProfile ?? {},
      };
    });
    const dom = result.bench.dom;
    const first = dom.find(([, n]) => n >= 1);
    const last = dom.at(-1);
    const domTokPerS = first && last && last[0] > first[0] ? ((last[1] - first[1]) * 1000) / (last[0] - first[0]) : 0;
    const t0 = first?.[0] ?? 0;
    return {
      model,
      tokens: result.tokens,
      domTokPerS,
      engine: result.engine,
      dom,
      busy,
      longAnimationFrames: result.bench.frames.filter((f) => f.start >= t0),
      longTasks: result.bench.longTasks.filter((f) => f.start >= t0),
      systemPrompt,
      frames: result.frames,
      stages: result.stages,
      trace,
    };
  } finally {
    await context.close();
  }
}

function storeTokens(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as AppWindow).__typewriter.store.getState().generation.tokens);
}

async function pollUntilDone(page: Page, pollMs: number, sample: () => Promise<void>): Promise<void> {
  const done = () =>
    page.evaluate(() => {
      const status = (window as unknown as AppWindow).__typewriter.store.getState().generation.status;
      return status === 'done' || status === 'error';
    });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (pollMs > 0) await sample();
    if (await done()) {
      if (pollMs > 0) await sample();
      return;
    }
    await new Promise((r) => setTimeout(r, pollMs > 0 ? pollMs : 200));
  }
  throw new Error('the UI generation did not finish within 5 minutes');
}
