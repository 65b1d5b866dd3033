import type { Browser, Page } from '@playwright/test';
import type { GenerateRequest, ModelSpec } from '../../workers/protocol';
import { launchProfile, newContext } from '../browser';
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
  /** The warm-up answers after the passes: how many, and forward ms per pass of the last and the fastest. */
  warmupAnswers: number | null;
  warmupAnswerPassMs: { last: number; fastest: number } | null;
  /** Decode tok/s (engine stats) of answers 1–5 in a row after the load. */
  answers: number[];
  /** Tokens each answer decoded (all equal unless one ended early). */
  answerTokens: number[];
  /** Prompt tokens each answer prefilled (the whole prompt: no KV reuse between them). */
  prefilled: number[];
  firstOverFifth: number;
  /** Answer 1 ÷ the median of answers 3–5: the same question against a steadier estimate of steady state. */
  firstOverSteady: number;
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
    warmupAnswers: result.warmup?.answers ?? null,
    warmupAnswerPassMs: result.warmup?.answerPassMs ?? null,
    answers,
    answerTokens,
    prefilled,
    firstOverFifth: (answers[0] ?? NaN) / (answers[4] ?? NaN),
    firstOverSteady: (answers[0] ?? NaN) / median(answers.slice(2)),
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
    `${v.cpuMsPerToken.map((a) => a.toFixed(2)).join(', ')} CPU ms/token (load ${v.loadMs.toFixed(0)} ms, ` +
    `${v.warmupAnswers ?? 0} warm-up answers, last/fastest ${v.warmupAnswerPassMs?.last.toFixed(2)}/` +
    `${v.warmupAnswerPassMs?.fastest.toFixed(2)} ms a pass)`;
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
