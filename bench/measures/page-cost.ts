import type { Browser, Page } from '@playwright/test';
import type { GenerateRequest, ModelSpec } from '../../workers/protocol';
import { newContext, pageHeap, rendererRssBytes } from '../browser';
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
  /** Decode tok/s (engine stats) of answers 1–5 in a row after the load. */
  answers: number[];
  firstOverFifth: number;
}

export interface WarmupMeasure {
  tokens: number;
  cold: WarmupVisit;
  secondVisit: WarmupVisit;
}

async function visit(page: Page, spec: ModelSpec, request: GenerateRequest): Promise<WarmupVisit> {
  const { wallMs } = await loadModel(page, spec);
  const answers: number[] = [];
  for (let i = 0; i < 5; i++) {
    const run = await runOurs(page, { ...request, seed: i + 1 });
    answers.push(run.stats.averageDecodeTokPerS ?? run.readerTokPerS);
  }
  return { loadMs: wallMs, answers, firstOverFifth: (answers[0] ?? NaN) / (answers[4] ?? NaN) };
}

/** Answers 1–5 after a cold load (fresh context), then on a second visit (same context: HTTP and code caches warm). */
export async function runWarmup(
  browser: Browser,
  origin: string,
  spec: ModelSpec,
  tokens: number,
  log: (line: string) => void,
): Promise<WarmupMeasure> {
  const context = await newContext(browser, origin);
  const request = {
    messages: [{ role: 'user' as const, content: UI_PROMPT }],
    maxTokens: tokens,
    temperature: 0.8,
  };
  try {
    const first = await openHarness(context);
    const cold = await visit(first, spec, request);
    await first.close();
    const second = await openHarness(context);
    const secondVisit = await visit(second, spec, request);
    const fmt = (v: WarmupVisit) => `${v.answers.map((a) => a.toFixed(0)).join(', ')} (load ${v.loadMs.toFixed(0)} ms)`;
    log(`warm-up: cold ${fmt(cold)}; second visit ${fmt(secondVisit)}`);
    return { tokens, cold, secondVisit };
  } finally {
    await context.close();
  }
}

export interface SwitchMemoryMeasure {
  /** Renderer RSS (page + worker + WASM heaps) and page JS heap, MB. */
  samples: { label: string; rssMb: number | null; jsHeapMb: number }[];
  growthGenerations: number | null;
  growthSwitches: number | null;
  /** Worker restart per switch (bridge `engine-restarted`), ms. */
  restartMs: number[];
  /** Whole switch (restart + load from cache), ms. */
  switchMs: number[];
}

interface RuntimeWindow {
  __typewriter: {
    bridge: {
      load(spec: ModelSpec): Promise<{ ok: boolean }>;
      generate(request: GenerateRequest): Promise<{ reason: string }>;
    };
    store: { getState(): { model: { restartMs: number | null } } };
  };
}

/** Through the page's bridge (so a switch restarts the worker, as in the app): 20 generations, then 10 switches. */
export async function runSwitchMemory(
  browser: Browser,
  origin: string,
  tokens: number,
  log: (line: string) => void,
): Promise<SwitchMemoryMeasure> {
  const context = await newContext(browser, origin);
  const fp32: ModelSpec = { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'wasm' };
  const q8: ModelSpec = { ...fp32, dtype: 'q8' };
  try {
    const page = await openHarness(context);
    const load = (spec: ModelSpec) =>
      page.evaluate(async (s) => {
        const started = performance.now();
        const outcome = await (window as unknown as RuntimeWindow).__typewriter.bridge.load(s as ModelSpec);
        if (!outcome.ok) throw new Error('switch failed');
        return {
          ms: performance.now() - started,
          restartMs: (window as unknown as RuntimeWindow).__typewriter.store.getState().model.restartMs,
        };
      }, spec);
    const generate = (seed: number, maxTokens: number) =>
      page.evaluate((r) => (window as unknown as RuntimeWindow).__typewriter.bridge.generate(r), {
        prompt: 'Once upon a time',
        maxTokens,
        temperature: 0.8,
        seed,
      } satisfies GenerateRequest);
    const sample = async (label: string) => ({
      label,
      rssMb: (rendererRssBytes() ?? NaN) / 1e6,
      jsHeapMb: (await pageHeap(page)).usedBytes / 1e6,
    });
    await load(fp32);
    await generate(1, tokens);
    const samples = [await sample('after 1 generation')];
    for (let i = 2; i <= 20; i++) await generate(i, tokens);
    samples.push(await sample('after 20 generations'));
    const restartMs: number[] = [];
    const switchMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { ms, restartMs: restart } = await load(i % 2 === 0 ? q8 : fp32);
      switchMs.push(ms);
      if (restart !== null) restartMs.push(restart);
      await generate(100 + i, 8);
    }
    samples.push(await sample('after 10 model switches'));
    const [one, twenty, switched] = samples;
    const grow = (a?: { rssMb: number | null }, b?: { rssMb: number | null }) =>
      a?.rssMb && b?.rssMb && Number.isFinite(a.rssMb) ? b.rssMb / a.rssMb - 1 : null;
    const result = {
      samples,
      growthGenerations: grow(one, twenty),
      growthSwitches: grow(twenty, switched),
      restartMs,
      switchMs,
    };
    log(
      `memory: RSS ${samples.map((s) => (s.rssMb ?? NaN).toFixed(0)).join(' -> ')} MB; ` +
        `switch ${median(switchMs).toFixed(0)} ms (restart ${median(restartMs).toFixed(0)} ms)`,
    );
    return result;
  } finally {
    await context.close();
  }
}
