import type { Browser, Page } from '@playwright/test';
import type { GenerateRequest, ModelSpec } from '../../workers/protocol';
import { collectGarbageEverywhere, launchProfile, newContext, pageHeap, settledRendererRssBytes } from '../browser';
import { loadModel, openHarness, runOurs } from '../harness';
import { median } from '../stats';
import { profileTrace, type TraceProfile } from '../trace-profile';
import { runInUi } from '../ui';
import { UI_PROMPT } from './pipeline';

/** The page's cost to the engine it shows (issue 12): profile, efficiency, warm-up, memory. */

export interface UiProfile {
  tokens: number;
  frames: number;
  domTokPerS: number;
  trace: TraceProfile;
  /** Main-thread ms per rendered frame, by stage. */
  perFrameMs: Record<string, number>;
  /** `?profile` stage timings: markdown parse, DOMPurify (total ms and calls). */
  stages: Record<string, { count: number; ms: number }>;
}

export async function runUiProfile(browser: Browser, origin: string, tokens: number): Promise<UiProfile> {
  const run = await runInUi(browser, origin, tokens, UI_PROMPT, { trace: true });
  const trace = run.trace ? profileTrace(run.trace) : { totalMs: 0, stagesMs: {} };
  const frames = Math.max(1, run.frames);
  const perFrameMs: Record<string, number> = { total: trace.totalMs / frames };
  for (const [stage, ms] of Object.entries(trace.stagesMs)) perFrameMs[stage] = ms / frames;
  for (const [stage, t] of Object.entries(run.stages)) perFrameMs[stage] = t.ms / frames;
  return { tokens: run.tokens, frames: run.frames, domTokPerS: run.domTokPerS, trace, perFrameMs, stages: run.stages };
}

export interface EfficiencyMeasure {
  model: string;
  tokens: number;
  threads: number;
  uiRuns: number[];
  rawRuns: number[];
  /** median UI DOM tok/s ÷ median raw reader tok/s, runs interleaved. */
  efficiency: number;
}

/** The real UI (this model loaded through its bridge) against the harness page's bare reader, interleaved. */
export async function runEfficiency(
  browser: Browser,
  origin: string,
  label: string,
  spec: ModelSpec,
  tokens: number,
  pairs: number,
  log: (line: string) => void,
): Promise<EfficiencyMeasure> {
  const context = await newContext(browser, origin);
  try {
    const harness = await openHarness(context);
    const ui: number[] = [];
    const raw: number[] = [];
    let threads = 0;
    let systemPrompt = '';
    for (let i = 0; i < pairs; i++) {
      const run = await runInUi(browser, origin, tokens, UI_PROMPT, { spec });
      ui.push(run.domTokPerS);
      threads = run.model.threads;
      systemPrompt = run.systemPrompt;
      if (i === 0) await loadModel(harness, spec);
      const messages = [
        { role: 'system' as const, content: systemPrompt },
        { role: 'user' as const, content: UI_PROMPT },
      ];
      const ours = await runOurs(harness, { messages, maxTokens: tokens, temperature: 0, repetitionPenalty: 1 });
      raw.push(ours.readerTokPerS);
      log(
        `${label} efficiency run ${i + 1}: UI ${run.domTokPerS.toFixed(1)} vs raw ${ours.readerTokPerS.toFixed(1)} tok/s`,
      );
    }
    return { model: label, tokens, threads, uiRuns: ui, rawRuns: raw, efficiency: median(ui) / median(raw) };
  } finally {
    await context.close();
  }
}

export interface WarmupVisit {
  loadMs: number;
  /** The load's warm-up phase (decode passes behind "Warming up"): ms and passes. */
  warmupMs: number | null;
  warmupPasses: number | null;
  /** Median ms per warm-up pass in its first and its last window. */
  warmupPassMs: [number, number] | null;
  /** Decode tok/s (engine stats) of answers 1–5 in a row after the load. */
  answers: number[];
  /** Tokens each answer decoded (all equal unless one ended early). */
  answerTokens: number[];
  /** Prompt tokens each answer prefilled (the whole prompt: no KV reuse between them). */
  prefilled: number[];
  firstOverFifth: number;
  /**
   * Renderer CPU ms per generated token for each answer (CDP SystemInfo.getProcessInfo): what the
   * engine spends, which other load on a shared machine does not inflate the way it inflates tok/s.
   */
  cpuMsPerToken: number[];
  /** CPU per token of answer 5 ÷ answer 1 (1 = the first answer costs no more than the fifth). */
  fifthOverFirstCpu: number;
}

export interface WarmupRound {
  /** A new profile's first page: empty HTTP and code caches. */
  cold: WarmupVisit;
  /** A second page in the same profile: ORT's wasm from the HTTP cache, its compiled code from V8's code cache. */
  secondVisit: WarmupVisit;
}

export interface WarmupMeasure {
  tokens: number;
  rounds: WarmupRound[];
}

async function visit(
  page: Page,
  spec: ModelSpec,
  request: GenerateRequest,
  rendererCpuMs: () => Promise<number>,
): Promise<WarmupVisit> {
  const { wallMs, result } = await loadModel(page, spec);
  const answers: number[] = [];
  const answerTokens: number[] = [];
  const prefilled: number[] = [];
  const cpuMsPerToken: number[] = [];
  for (let i = 0; i < 5; i++) {
    const cpuBefore = await rendererCpuMs();
    const run = await runOurs(page, request);
    cpuMsPerToken.push(((await rendererCpuMs()) - cpuBefore) / Math.max(1, run.tokens));
    answers.push(run.stats.averageDecodeTokPerS ?? run.readerTokPerS);
    answerTokens.push(run.tokens);
    prefilled.push(run.stats.prefilledTokens ?? run.stats.promptTokens);
  }
  return {
    loadMs: wallMs,
    warmupMs: result.warmup?.ms ?? null,
    warmupPasses: result.warmup?.passes ?? null,
    warmupPassMs: result.warmup ? [result.warmup.firstPassMs, result.warmup.lastPassMs] : null,
    answers,
    answerTokens,
    prefilled,
    firstOverFifth: (answers[0] ?? NaN) / (answers[4] ?? NaN),
    cpuMsPerToken,
    fifthOverFirstCpu: (cpuMsPerToken[4] ?? NaN) / (cpuMsPerToken[0] ?? NaN),
  };
}

/**
 * Answers 1–5 after a cold load and on a second visit, in `rounds` new on-disk profiles (see
 * `launchProfile`: a Playwright context keeps no code cache, so it cannot show a second visit).
 */
export async function runWarmup(
  origin: string,
  spec: ModelSpec,
  tokens: number,
  rounds: number,
  log: (line: string) => void,
): Promise<WarmupMeasure> {
  // Five comparable answers: the same prompt and length, each a fresh conversation. Greedy, with
  // prompt-lookup speculation off (it speeds up text that repeats, which a 5th identical answer would be)
  // and no KV kept between answers (so none reuses the previous one's prefix): only the engine's own
  // warmth differs between answer 1 and answer 5.
  const request: GenerateRequest = {
    messages: [{ role: 'user' as const, content: UI_PROMPT }],
    maxTokens: tokens,
    temperature: 0,
    repetitionPenalty: 1,
    speculative: 'off',
    keepCacheMs: 0,
  };
  const fmt = (v: WarmupVisit) =>
    `${v.answers.map((a) => a.toFixed(0)).join(', ')} tok/s, ` +
    `${v.cpuMsPerToken.map((a) => a.toFixed(2)).join(', ')} CPU ms/token (load ${v.loadMs.toFixed(0)} ms)`;
  const out: WarmupRound[] = [];
  for (let round = 0; round < rounds; round++) {
    const profile = await launchProfile('wasm', origin);
    const cdp = await profile.browser.newBrowserCDPSession();
    const rendererCpuMs = async () => {
      const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; cpuTime: number }[];
      };
      return processInfo.filter((p) => p.type === 'renderer').reduce((n, p) => n + p.cpuTime * 1000, 0);
    };
    try {
      const first = await openHarness(profile.context);
      const cold = await visit(first, spec, request, rendererCpuMs);
      await first.close();
      const second = await openHarness(profile.context);
      const secondVisit = await visit(second, spec, request, rendererCpuMs);
      out.push({ cold, secondVisit });
      log(`warm-up round ${round + 1}: cold ${fmt(cold)}; second visit ${fmt(secondVisit)}`);
    } finally {
      await cdp.detach();
      await profile.close();
    }
  }
  return { tokens, rounds: out };
}

export interface MemorySample {
  label: string;
  /** Renderer RSS (page + worker + WASM heaps), MB, after a GC in the page and a settle delay: the median of three readings. */
  rssMb: number | null;
  /** The three readings' spread, MB: RSS moves by ±10% between readings while nothing runs. */
  rssRangeMb: [number, number] | null;
  jsHeapMb: number;
  /** performance.measureUserAgentSpecificMemory() (page and its workers), MB, where the page is isolated. */
  uaMemoryMb: number | null;
}

export interface SwitchMemoryVariant {
  /** `keep-worker`: the default, one worker for all switches; `restart`: a fresh worker per switch (`?restart-worker`). */
  variant: 'restart' | 'keep-worker';
  samples: MemorySample[];
  growthGenerations: number | null;
  growthSwitches: number | null;
  /**
   * After the switches and 20 more generations on the model they ended on, against after 20
   * generations: the same model in the same state, so transient load and warm-up memory is not counted.
   */
  growthSwitchesSettled: number | null;
  /**
   * After 2 switches (back on fp32, q8's kernels used once) against after 10, both read right after a
   * switch: whether memory creeps per switch, apart from the one-time cost of a second model's kernels.
   */
  afterTwoSwitches: MemorySample | null;
  growthSwitches2to10: number | null;
  /** The same growth in `measureUserAgentSpecificMemory` (JS and WASM heaps of the page and its workers). */
  uaGrowthSwitches: number | null;
  /** Worker restart per switch (bridge `engine-restarted`), ms. */
  restartMs: number[];
  /** Whole switch (restart + load from cache, warm-up included), ms. */
  switchMs: number[];
  /** The engine's own load time (LoadResult.loadMs) and its warm-up part, per switch, ms. */
  loadMs: number[];
  warmupMs: number[];
}

export interface SwitchMemoryMeasure {
  variants: SwitchMemoryVariant[];
}

interface RuntimeWindow {
  __typewriter: {
    bridge: {
      load(spec: ModelSpec): Promise<{ ok: boolean; result?: { loadMs: number; warmup?: { ms: number } } }>;
      generate(request: GenerateRequest): Promise<{ reason: string }>;
    };
    store: { getState(): { model: { restartMs: number | null } } };
  };
}

async function uaMemoryMb(page: Page): Promise<number | null> {
  return page.evaluate(async () => {
    const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
    if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
    try {
      return (await p.measureUserAgentSpecificMemory()).bytes / 1e6;
    } catch {
      return null;
    }
  });
}

async function switchVariant(
  origin: string,
  variant: SwitchMemoryVariant['variant'],
  tokens: number,
): Promise<SwitchMemoryVariant> {
  // A real profile, as a user's: a restarted worker gets ORT's compiled code from V8's code cache
  // (a Playwright context has none, so every restart there compiled the 27 MB module again).
  const profile = await launchProfile('wasm', origin);
  const fp32: ModelSpec = { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'wasm' };
  const q8: ModelSpec = { ...fp32, dtype: 'q8' };
  try {
    const page = await profile.context.newPage();
    if (process.env.TW_BENCH_CONSOLE) page.on('console', (m) => console.log(`[page ${variant}] ${m.text()}`));
    await page.goto(variant === 'restart' ? '/?harness&restart-worker&debug' : '/?harness&debug');
    await page.waitForFunction(() => Boolean((window as unknown as Partial<RuntimeWindow>).__typewriter?.bridge));
    const load = (spec: ModelSpec) =>
      page.evaluate(async (s) => {
        const w = window as unknown as RuntimeWindow;
        const started = performance.now();
        const outcome = await w.__typewriter.bridge.load(s as ModelSpec);
        if (!outcome.ok || !outcome.result) throw new Error(`switch failed: ${JSON.stringify(outcome)}`);
        return {
          ms: performance.now() - started,
          loadMs: outcome.result.loadMs,
          warmupMs: outcome.result.warmup?.ms ?? 0,
          restartMs: w.__typewriter.store.getState().model.restartMs,
        };
      }, spec);
    const generate = (seed: number, maxTokens: number) =>
      page.evaluate((r) => (window as unknown as RuntimeWindow).__typewriter.bridge.generate(r), {
        prompt: 'Once upon a time',
        maxTokens,
        temperature: 0.8,
        seed,
      } satisfies GenerateRequest);
    const sample = async (label: string): Promise<MemorySample> => {
      // One settled reading swung ±10% between two samples with nothing running in between (the
      // allocator returns pages on its own schedule), which hid a 5% goal: take the median of three.
      const readings: number[] = [];
      for (let i = 0; i < 3; i++)
        readings.push(((await settledRendererRssBytes(() => collectGarbageEverywhere(page))) ?? NaN) / 1e6);
      const finite = readings.filter(Number.isFinite).sort((a, b) => a - b);
      const rssRangeMb: [number, number] | null = finite.length > 0 ? [finite[0] ?? NaN, finite.at(-1) ?? NaN] : null;
      const jsHeapMb = (await pageHeap(page)).usedBytes / 1e6;
      return { label, rssMb: median(finite), rssRangeMb, jsHeapMb, uaMemoryMb: await uaMemoryMb(page) };
    };
    await load(fp32);
    await generate(1, tokens);
    const samples = [await sample('after 1 generation')];
    for (let i = 2; i <= 20; i++) await generate(i, tokens);
    samples.push(await sample('after 20 generations'));
    const out: SwitchMemoryVariant = {
      variant,
      samples,
      growthGenerations: null,
      growthSwitches: null,
      growthSwitchesSettled: null,
      afterTwoSwitches: null,
      growthSwitches2to10: null,
      uaGrowthSwitches: null,
      restartMs: [],
      switchMs: [],
      loadMs: [],
      warmupMs: [],
    };
    for (let i = 0; i < 10; i++) {
      const sw = await load(i % 2 === 0 ? q8 : fp32);
      out.switchMs.push(sw.ms);
      out.loadMs.push(sw.loadMs);
      out.warmupMs.push(sw.warmupMs);
      if (variant === 'restart' && sw.restartMs !== null) out.restartMs.push(sw.restartMs);
      await generate(100 + i, 8);
      if (i === 1) out.afterTwoSwitches = await sample('after 2 model switches');
    }
    samples.push(await sample('after 10 model switches'));
    // Like for like with "after 20 generations": the same model, 20 generations after its load.
    for (let i = 1; i <= 20; i++) await generate(200 + i, tokens);
    samples.push(await sample('after 10 switches and 20 generations'));
    const [one, twenty, switched, settled] = samples;
    const grow = (a?: MemorySample, b?: MemorySample) =>
      a?.rssMb && b?.rssMb && Number.isFinite(a.rssMb) ? b.rssMb / a.rssMb - 1 : null;
    out.growthGenerations = grow(one, twenty);
    out.growthSwitches = grow(twenty, switched);
    out.growthSwitchesSettled = grow(twenty, settled);
    out.growthSwitches2to10 = grow(out.afterTwoSwitches ?? undefined, switched);
    out.uaGrowthSwitches =
      twenty?.uaMemoryMb && switched?.uaMemoryMb ? switched.uaMemoryMb / twenty.uaMemoryMb - 1 : null;
    return out;
  } finally {
    await profile.close();
  }
}

/**
 * Through the page's bridge, as the app switches: 20 generations, then 10 switches (fp32 ↔ q8),
 * once with the default (one worker) and once with `?restart-worker` (a fresh worker per switch), side by side.
 */
export async function runSwitchMemory(
  origin: string,
  tokens: number,
  log: (line: string) => void,
): Promise<SwitchMemoryMeasure> {
  const variants: SwitchMemoryVariant[] = [];
  for (const variant of ['keep-worker', 'restart'] as const) {
    const v = await switchVariant(origin, variant, tokens);
    variants.push(v);
    log(
      `memory (${variant}): RSS ${v.samples.map((s) => (s.rssMb ?? NaN).toFixed(0)).join(' -> ')} MB; ` +
        `UA ${v.samples.map((s) => (s.uaMemoryMb ?? NaN).toFixed(0)).join(' -> ')} MB; ` +
        `switch ${median(v.switchMs).toFixed(0)} ms (restart ${median(v.restartMs).toFixed(0)}, ` +
        `load ${median(v.loadMs).toFixed(0)}, warm-up ${median(v.warmupMs).toFixed(0)} ms)`,
    );
  }
  return { variants };
}
