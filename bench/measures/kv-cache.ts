import type { Browser, Page } from '@playwright/test';
import type { ChatMessage, EngineApi, GenerateRequest, GenerationStats, StreamEvent } from '../../workers/protocol';
import { newContext } from '../browser';
import { loadModel, openHarness, unloadModel } from '../harness';
import { specFor, type BenchModel } from '../models';
import type { BenchServer } from '../server';
import { median } from '../stats';

/**
 * The KV cache figures of issue 11:
 * - the cost of one forward pass of m new tokens (on a cache of the same length) relative to a
 *   1-token pass, per backend, and from it the break-even acceptance rate of prompt-lookup speculation;
 * - speculation's measured speed-up and acceptance on a copy-heavy and a free-form prompt;
 * - TTFT and prefilled tokens by turn of a 10-turn chat, without reuse (every turn on a fresh
 *   cache: what the engine did before) and with it.
 */

interface Run {
  start: Extract<StreamEvent, { type: 'start' }>;
  stats: GenerationStats;
  ids: number[];
  tokenIds: number[];
  text: string;
  forwardMs: number;
  passes: number;
  cuts: number;
  cutMs: number;
}

interface HarnessWindow {
  __typewriter: { engine: EngineApi };
}

function runWithCounters(page: Page, request: GenerateRequest): Promise<Run> {
  return page.evaluate(async (req) => {
    const engine = (window as unknown as HarnessWindow).__typewriter.engine;
    const before = await engine.status();
    const stream = await engine.generate(req);
    const reader = stream.getReader();
    const ids: number[] = [];
    let start: Run['start'] | null = null;
    let stats: GenerationStats | null = null;
    let text = '';
    let tokenIds: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'start') start = value;
      else if (value.type === 'token') ids.push(value.id);
      else if (value.type === 'done') {
        stats = value.stats;
        text = value.text;
        tokenIds = value.tokenIds ?? [];
      } else if (value.type === 'error') throw new Error(`${value.name}: ${value.message}`);
    }
    const after = await engine.status();
    if (!start || !stats) throw new Error('the stream ended without start/done');
    return {
      start,
      stats,
      ids,
      tokenIds,
      text,
      forwardMs: after.forwardMs - before.forwardMs,
      passes: after.forwardPasses - before.forwardPasses,
      cuts: (after.kvTruncations ?? 0) - (before.kvTruncations ?? 0),
      cutMs: (after.kvTruncateMs ?? 0) - (before.kvTruncateMs ?? 0),
    };
  }, request);
}

export interface PassCost {
  /** New tokens fed in the pass. */
  rows: number;
  ms: number;
  /** ms ÷ the 1-row pass's ms (medians). */
  ratio: number;
}

export interface SpeculationRun {
  prompt: 'copy-heavy' | 'free-form';
  tokens: number;
  plainMs: number;
  speculativeMs: number;
  speedup: number;
  /** `speculative: 'auto'`: drafts only while its own measurements say they pay. */
  autoMs: number;
  autoSpeedup: number;
  acceptance: number;
  drafted: number;
  accepted: number;
  plainPasses: number;
  speculativePasses: number;
  /** KV-cache cuts past rejected drafts in the 'on' runs, and the mean ms of one (CPU copy on WASM, GPU copy on WebGPU). */
  cuts: number;
  msPerCut: number;
  identical: boolean;
}

export interface KvCacheMeasure {
  config: string;
  model: string;
  cacheTokens: number;
  passCosts: PassCost[];
  /** Per-draft acceptance rate at which k = draftTokens speculation breaks even (i.i.d. acceptance model). */
  breakEven: { draftTokens: number; costRatio: number; acceptance: number } | null;
  speculation: SpeculationRun[];
  chat:
    | {
        turn: number;
        before: { ttftMs: number; prefilled: number };
        after: { ttftMs: number; prefilled: number; reused: number };
      }[]
    | null;
}

/** Expected tokens per verify pass with k drafts, each accepted with probability a (stops at the first miss). */
function tokensPerPass(a: number, k: number): number {
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += a ** i;
  return sum;
}

function breakEvenAcceptance(costRatio: number, k: number): number {
  if (costRatio <= 1) return 0;
  if (tokensPerPass(1, k) < costRatio) return NaN;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (tokensPerPass(mid, k) < costRatio) lo = mid;
    else hi = mid;
  }
  return hi;
}

const WORDS = 'harbour lamp keeper storm tide rope gull anchor mast sail cliff beacon'.split(' ');
const BASE = 'The lighthouse keeper wrote in the log every night about the ships and the weather. '.repeat(3);
const COPY_PROMPT =
  'Rewrite this paragraph, keeping every sentence: ' +
  'The keeper climbs the stairs at dusk, lights the lamp, and watches the ships pass the rocks. ' +
  'The keeper climbs the stairs at dusk, lights the lamp, and watches the ships pass the rocks. Rewritten: The keeper';
const FREE_PROMPT = 'Write a story about a lighthouse keeper who finds a message in a bottle.';

/**
 * Forward ms of one pass by the number of new tokens it feeds, on a cache holding BASE.
 * 1 token: a decode pass, from (17-token run − 1-token run) ÷ 16. More tokens: a second request
 * that shares BASE prefills only its suffix (each suffix starts with another word, so reuse stops
 * right after BASE); the tokenizer decides how many tokens a suffix is, so the points are fitted
 * with a line (fixed per-pass cost + cost per row) and read at the row counts speculation uses.
 */
async function passCosts(page: Page, draftTokens: number, repeats: number): Promise<PassCost[]> {
  const base = { prompt: BASE, temperature: 0, speculative: 'off' as const, keepCacheMs: 0 };
  const decode: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const one = await runWithCounters(page, { ...base, maxTokens: 1 });
    const many = await runWithCounters(page, { ...base, maxTokens: 17 });
    decode.push((many.forwardMs - one.forwardMs) / 16);
  }
  await runWithCounters(page, { prompt: BASE, maxTokens: 1, temperature: 0, speculative: 'off' });
  const points: { rows: number; ms: number }[] = [];
  let n = 0;
  for (let r = 0; r < repeats; r++) {
    for (const words of [1, 2, 3, 4, 6]) {
      const suffix = Array.from({ length: words }, (_, i) => WORDS[(n + i) % WORDS.length]).join(' ');
      n++;
      const run = await runWithCounters(page, { ...base, keepCacheMs: 60_000, prompt: BASE + suffix, maxTokens: 1 });
      points.push({ rows: run.start.prefilledTokens ?? 0, ms: run.forwardMs });
    }
  }
  // Least squares ms = a + b·rows.
  const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
  const mx = mean(points.map((p) => p.rows));
  const my = mean(points.map((p) => p.ms));
  const b =
    points.reduce((acc, p) => acc + (p.rows - mx) * (p.ms - my), 0) /
    Math.max(
      1e-9,
      points.reduce((acc, p) => acc + (p.rows - mx) ** 2, 0),
    );
  const a = my - b * mx;
  const one = median(decode);
  const rowsList = [...new Set([2, 3, draftTokens + 1, 9])].sort((x, y) => x - y);
  return [
    { rows: 1, ms: one, ratio: 1 },
    ...rowsList.map((rows) => ({ rows, ms: a + b * rows, ratio: (a + b * rows) / one })),
  ];
}

async function speculation(page: Page, tokens: number, runs: number): Promise<SpeculationRun[]> {
  const out: SpeculationRun[] = [];
  for (const [name, prompt] of [
    ['copy-heavy', COPY_PROMPT],
    ['free-form', FREE_PROMPT],
  ] as const) {
    const request = { prompt, maxTokens: tokens, temperature: 0, keepCacheMs: 0 };
    const plain: Run[] = [];
    const fast: Run[] = [];
    const auto: Run[] = [];
    for (let i = 0; i < runs; i++) {
      plain.push(await runWithCounters(page, { ...request, speculative: 'off' }));
      fast.push(await runWithCounters(page, { ...request, speculative: 'on' }));
      auto.push(await runWithCounters(page, { ...request, speculative: 'auto' }));
    }
    const p = median(plain.map((r) => r.stats.elapsedMs));
    const f = median(fast.map((r) => r.stats.elapsedMs));
    const a = median(auto.map((r) => r.stats.elapsedMs));
    const last = fast.at(-1) as Run;
    out.push({
      prompt: name,
      tokens,
      plainMs: p,
      speculativeMs: f,
      speedup: p / f,
      autoMs: a,
      autoSpeedup: p / a,
      drafted: last.stats.draftedTokens ?? 0,
      accepted: last.stats.acceptedTokens ?? 0,
      acceptance: (last.stats.acceptedTokens ?? 0) / Math.max(1, last.stats.draftedTokens ?? 0),
      plainPasses: plain.at(-1)?.passes ?? 0,
      cuts: fast.reduce((n, r) => n + r.cuts, 0),
      msPerCut:
        fast.reduce((n, r) => n + r.cutMs, 0) /
        Math.max(
          1,
          fast.reduce((n, r) => n + r.cuts, 0),
        ),
      speculativePasses: last.passes,
      identical: [...fast, ...auto].every((r) => JSON.stringify(r.ids) === JSON.stringify(plain[0]?.ids)),
    });
  }
  return out;
}

/** A 10-turn chat; `reuse: false` frees the cache after every turn, as the engine did before it kept one. */
async function chatTurns(page: Page, turns: number, maxTokens: number, reuse: boolean) {
  const messages: ChatMessage[] = [{ role: 'system', content: 'You are a helpful assistant.' }];
  const out: { ttftMs: number; prefilled: number; reused: number }[] = [];
  for (let t = 1; t <= turns; t++) {
    messages.push({ role: 'user', content: `Question ${t}: tell me something about ${WORDS[t % WORDS.length]}s.` });
    const run = await runWithCounters(page, {
      messages,
      maxTokens,
      temperature: 0,
      speculative: 'off',
      ...(reuse ? {} : { keepCacheMs: 0 }),
    });
    out.push({
      ttftMs: run.stats.ttftMs ?? NaN,
      prefilled: run.start.prefilledTokens ?? 0,
      reused: run.start.reusedTokens ?? 0,
    });
    messages.push({ role: 'assistant', content: run.text, ...(reuse ? { tokenIds: run.tokenIds } : {}) });
  }
  return out;
}

export async function runKvCache(
  browser: Browser,
  config: { name: string; backend: 'wasm' | 'webgpu'; threads?: number },
  models: readonly BenchModel[],
  server: BenchServer,
  options: { quick: boolean; draftTokens: number },
  log: (line: string) => void,
): Promise<KvCacheMeasure[]> {
  const context = await newContext(browser, server.origin);
  const results: KvCacheMeasure[] = [];
  try {
    const page = await openHarness(context);
    for (const m of models) {
      if (config.backend === 'webgpu' && !m.webgpu) continue;
      await loadModel(page, specFor(m, config.backend, config.threads));
      const replica = m.name !== 'demo';
      const costs = await passCosts(page, options.draftTokens, options.quick || replica ? 3 : 5);
      const k = options.draftTokens;
      const kPlus = costs.find((c) => c.rows === k + 1);
      const breakEven = kPlus
        ? {
            draftTokens: kPlus.rows - 1,
            costRatio: kPlus.ratio,
            acceptance: breakEvenAcceptance(kPlus.ratio, kPlus.rows - 1),
          }
        : null;
      log(
        `${config.name} ${m.label}: pass cost ${costs.map((c) => `${c.rows}:${c.ms.toFixed(1)}ms`).join(' ')}; break-even ${breakEven?.acceptance.toFixed(2)}`,
      );
      const gpu = config.backend === 'webgpu';
      const spec = await speculation(page, gpu ? 24 : replica ? 32 : 128, options.quick ? 1 : 3);
      for (const s of spec)
        log(
          `${config.name} ${m.label}: ${s.prompt} speed-up on ${s.speedup.toFixed(2)}, auto ${s.autoSpeedup.toFixed(2)}, acceptance ${(s.acceptance * 100).toFixed(0)}% (${s.accepted}/${s.drafted}), identical ${s.identical}`,
        );
      let chat: KvCacheMeasure['chat'] = null;
      if (replica || !options.quick) {
        const turns = 10;
        const before = await chatTurns(page, turns, 8, false);
        const after = await chatTurns(page, turns, 8, true);
        chat = before.map((b, i) => ({
          turn: i + 1,
          before: { ttftMs: b.ttftMs, prefilled: b.prefilled },
          after: {
            ttftMs: after[i]?.ttftMs ?? NaN,
            prefilled: after[i]?.prefilled ?? 0,
            reused: after[i]?.reused ?? 0,
          },
        }));
        log(
          `${config.name} ${m.label}: TTFT by turn before ${before.map((b) => b.ttftMs.toFixed(0)).join(', ')} ms; after ${after.map((a) => a.ttftMs.toFixed(0)).join(', ')} ms`,
        );
      }
      const status = await page.evaluate(
        async () => (await (window as unknown as HarnessWindow).__typewriter.engine.status()).kvCache,
      );
      results.push({
        config: config.name,
        model: m.label,
        cacheTokens: status?.tokens ?? 0,
        passCosts: costs,
        breakEven,
        speculation: spec,
        chat,
      });
      await unloadModel(page);
    }
  } finally {
    await context.close();
  }
  return results;
}
