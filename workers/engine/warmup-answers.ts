import type { GenerateRequest, LoadResult, StreamEvent } from '../protocol';

/**
 * After the decode passes of `warmUpDecode` (ORT's kernels past WebAssembly tier-up), the first real
 * answers still ran 3-5x more CPU per token than the fifth (`npm run bench:page`, CPU ms/token). Two
 * causes, both measured with a Chromium trace of the worker:
 * - the rest of a request's path (chat template, KV bookkeeping, sampler or argmax, stop matching,
 *   the incremental decoder, the event channel) is JavaScript that V8 had not optimised yet;
 * - V8's dynamic tiering keeps compiling hot ORT functions with TurboFan on background threads for
 *   1-2 s after the passes (~10 s of compile CPU for ORT's 27 MB module): on a 2-core machine those
 *   threads take the cores from the engine, so the first answer's forward passes ran 2-3x slower,
 *   and 1.5 s of waiting alone made answer 1 as fast as answer 5.
 * Short answers through the engine's own `generate`, drained and discarded, warm the first; running
 * more of them until their forward passes are back at the settled pass time waits out the second,
 * behind the progress bar instead of in the user's first answer. Both are budgeted by time, so a
 * large model (70+ ms a pass) spends a few tokens here, not seconds per answer. On a cold visit
 * (ORT's wasm compiled from scratch, see cold-compile.ts) the compile goes on after the passes look
 * settled, in bursts, so the answers go on until it is likely done (`until`), at most `coldBudgetMs`.
 */
const SAMPLINGS: readonly Partial<GenerateRequest>[] = [
  { temperature: 0, speculative: 'off' },
  { temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: 1 },
  { temperature: 0, speculative: 'auto' },
];

const PROMPT = 'Warm up: write a short story about a lighthouse keeper.';

export interface AnswerWarmupOptions {
  /** All warm-up answers together stop once this much time has gone (the first one always runs). */
  budgetMs: number;
  /** Tokens per answer, before shortening to fit the budget at the model's pass time. */
  maxTokens: number;
  minTokens: number;
  /** Warm once an answer's forward time per pass is within this factor of the settled pass time. */
  warmFactor: number;
  maxAnswers: number;
  /** Cap on the time a cold compile (`until`) may add, and on its answers. */
  coldBudgetMs: number;
  maxColdAnswers: number;
}

export const DEFAULT_ANSWER_WARMUP: AnswerWarmupOptions = {
  budgetMs: 3000,
  maxTokens: 48,
  minTokens: 4,
  warmFactor: 1.3,
  maxAnswers: 12,
  coldBudgetMs: 5000,
  maxColdAnswers: 200,
};

export interface AnswerWarmupReport {
  ms: number;
  answers: number;
  tokensPerAnswer: number;
  /** Forward ms per pass of the last warm-up answer (NaN when none ran). */
  lastForwardMs: number;
  /** The fastest forward ms per pass of any warm-up answer (NaN when none ran). */
  fastestForwardMs: number;
}

export interface AnswerWarmupDeps {
  generate: (request: GenerateRequest) => Promise<ReadableStream<StreamEvent>>;
  /** The engine's running totals of forward passes and their time. */
  forward: () => { passes: number; ms: number };
  /** The decode warm-up's best window: ms per pass once tiered up. */
  settledPassMs: number;
  signal: AbortSignal;
  /** Keep answering until this time (`now()` clock): a cold compile may still take the cores (cold-compile.ts). */
  until?: number | null;
  now?: () => number;
}

/**
 * Tokens per answer so that the three sampling answers take about half the budget. An unknown
 * pass time means the decode warm-up could not time a single pass, which only happens on a very
 * slow device: the fewest tokens, since the first answer runs whatever the budget.
 */
export function tokensPerAnswer(settledPassMs: number, options: AnswerWarmupOptions): number {
  if (!(settledPassMs > 0)) return options.minTokens;
  const fit = Math.floor(options.budgetMs / (2 * SAMPLINGS.length * settledPassMs));
  return Math.max(options.minTokens, Math.min(options.maxTokens, fit));
}

export function warmupRequest(index: number, maxTokens: number): GenerateRequest {
  return {
    messages: [{ role: 'user' as const, content: PROMPT }],
    maxTokens,
    keepCacheMs: 0,
    statsIntervalMs: 250,
    ...(SAMPLINGS[index % SAMPLINGS.length] ?? {}),
  };
}

async function drain(stream: ReadableStream<StreamEvent>): Promise<void> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done || value.type === 'error') break;
  }
  reader.releaseLock();
}

export async function warmUpAnswers(
  deps: AnswerWarmupDeps,
  options: AnswerWarmupOptions = DEFAULT_ANSWER_WARMUP,
): Promise<AnswerWarmupReport> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const tokens = tokensPerAnswer(deps.settledPassMs, options);
  let answers = 0;
  let lastForwardMs = NaN;
  let fastestForwardMs = NaN;
  let lastAnswerMs = 0;
  const until = Math.min(deps.until ?? -Infinity, started + options.coldBudgetMs);
  while (!deps.signal.aborted) {
    const at = now();
    const cold = at + lastAnswerMs <= until;
    if (answers >= (cold ? options.maxColdAnswers : options.maxAnswers)) break;
    // The first answer always runs (it warms the request path); later ones only if they fit.
    if (!cold && answers > 0 && at - started + lastAnswerMs > options.budgetMs) break;
    const warm = lastForwardMs <= options.warmFactor * deps.settledPassMs;
    if (!cold && answers >= SAMPLINGS.length && warm) break;
    const before = deps.forward();
    const answerStarted = now();
    await drain(await deps.generate(warmupRequest(answers, tokens)));
    lastAnswerMs = now() - answerStarted;
    const after = deps.forward();
    lastForwardMs = after.passes > before.passes ? (after.ms - before.ms) / (after.passes - before.passes) : NaN;
    if (lastForwardMs > 0 && !(fastestForwardMs <= lastForwardMs)) fastestForwardMs = lastForwardMs;
    answers++;
  }
  return { ms: now() - started, answers, tokensPerAnswer: tokens, lastForwardMs, fastestForwardMs };
}

/** The answers' time counts as load and warm-up time in what the load reports. */
export function addWarmupAnswers(info: LoadResult, report: AnswerWarmupReport): void {
  info.loadMs += report.ms;
  if (info.warmup) {
    info.warmup.ms += report.ms;
    info.warmup.answers = report.answers;
    info.warmup.answerTokens = report.tokensPerAnswer;
    info.warmup.answerPassMs = { last: report.lastForwardMs, fastest: report.fastestForwardMs };
  }
  if (info.stepsMs) info.stepsMs.warmup += report.ms;
}
