import type { FinishReason, GenerationStats } from '../../workers/protocol';
import type { GenerationLog } from './event-log';

/**
 * Performance analysis from captured events. Inter-token delays use the engine's
 * token timestamps (one clock, in the worker), skipping gaps that span a pause.
 *
 * Outcomes: "success" = ended with `done` for eos, length or a stop sequence;
 * "stopped" = the user stopped it; "error" = an error event; "running" = no end yet.
 * Success rate = success / (success + error): a user's Stop is neither, so it is left out.
 */
export type Outcome = 'success' | 'stopped' | 'error' | 'running';

export interface GenerationAnalysis {
  requestId: string;
  owner: string | null;
  model: string | null;
  backend: string | null;
  outcome: Outcome;
  finishReason: FinishReason | null;
  error: string | null;
  promptTokens: number | null;
  tokens: number;
  ttftMs: number | null;
  prefillTokPerS: number | null;
  tokensPerSecond: number | null;
  interTokenMs: { average: number | null; p50: number | null; p95: number | null; max: number | null };
  pauses: { count: number; totalMs: number };
  elapsedMs: number | null;
}

export interface SessionAnalytics {
  generations: number;
  succeeded: number;
  stopped: number;
  failed: number;
  running: number;
  successRate: number | null;
  averageTtftMs: number | null;
  averageTokensPerSecond: number | null;
  totalTokens: number;
  definitions: Record<string, string>;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

const mean = (values: readonly number[]): number | null =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;

export function analyzeGeneration(run: GenerationLog): GenerationAnalysis {
  let outcome: Outcome = 'running';
  let finishReason: FinishReason | null = null;
  let error: string | null = null;
  let promptTokens: number | null = null;
  let startAt: number | null = null;
  let firstTokenAt: number | null = null;
  let tokens = 0;
  let stats: GenerationStats | null = null;
  const delays: number[] = [];
  let lastTokenTime: number | null = null;
  let pausedAt: number | null = null;
  const pauses = { count: 0, totalMs: 0 };

  for (const { t, event } of run.events) {
    switch (event.type) {
      case 'start':
        promptTokens = event.promptTokens;
        startAt = t;
        break;
      case 'token':
        tokens++;
        firstTokenAt ??= t;
        if (lastTokenTime !== null) delays.push(event.timestamp - lastTokenTime);
        lastTokenTime = event.timestamp;
        break;
      case 'paused':
        pauses.count++;
        pausedAt = event.timestamp;
        break;
      case 'resumed':
        if (pausedAt !== null) pauses.totalMs += event.timestamp - pausedAt;
        pausedAt = null;
        // The gap across a pause is not an inter-token delay.
        lastTokenTime = null;
        break;
      case 'stats':
        stats = event.stats;
        break;
      case 'done':
        stats = event.stats;
        finishReason = event.reason;
        outcome = event.reason === 'stopped' ? 'stopped' : 'success';
        break;
      case 'error':
        outcome = 'error';
        error = `${event.name}: ${event.message}`;
        break;
    }
  }
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    requestId: run.requestId,
    owner: run.owner,
    model: run.model,
    backend: run.backend,
    outcome,
    finishReason,
    error,
    promptTokens,
    tokens: stats ? Math.max(stats.tokens, tokens) : tokens,
    ttftMs: stats?.ttftMs ?? (startAt !== null && firstTokenAt !== null ? firstTokenAt - startAt : null),
    prefillTokPerS: stats?.prefillTokPerS ?? null,
    tokensPerSecond: stats?.averageDecodeTokPerS ?? null,
    interTokenMs: {
      average: mean(delays),
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted.at(-1) ?? null,
    },
    pauses: { count: pauses.count, totalMs: stats?.pausedMs ?? pauses.totalMs },
    elapsedMs: stats?.elapsedMs ?? null,
  };
}

export function analyzeSession(runs: readonly GenerationAnalysis[]): SessionAnalytics {
  const count = (o: Outcome) => runs.filter((r) => r.outcome === o).length;
  const succeeded = count('success');
  const failed = count('error');
  const ttfts = runs.flatMap((r) => (r.ttftMs === null ? [] : [r.ttftMs]));
  const rates = runs.flatMap((r) => (r.tokensPerSecond === null ? [] : [r.tokensPerSecond]));
  return {
    generations: runs.length,
    succeeded,
    stopped: count('stopped'),
    failed,
    running: count('running'),
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    averageTtftMs: mean(ttfts),
    averageTokensPerSecond: mean(rates),
    totalTokens: runs.reduce((sum, r) => sum + r.tokens, 0),
    definitions: {
      success: 'ended with done for eos, length or a stop sequence',
      stopped: 'ended with done{reason:"stopped"} (the user pressed Stop); excluded from the success rate',
      failed: 'ended with an error event',
      successRate: 'succeeded / (succeeded + failed)',
      ttftMs: "engine's time to first token, excluding pauses",
      tokensPerSecond: "engine's average decode rate over the run",
      interTokenMs: "delays between the engine's token timestamps, excluding gaps across a pause",
    },
  };
}

/** The JSON analytics export: the session summary and one analysis per generation. */
export function analyticsReport(runs: readonly GenerationLog[], exportedAt: number = Date.now()) {
  const generations = runs.map(analyzeGeneration);
  return { exportedAt: new Date(exportedAt).toISOString(), session: analyzeSession(generations), generations };
}
