import type { Browser } from '@playwright/test';
import { runInUi } from '../ui';
import { UI_PROMPT } from './pipeline';

export interface ResponsivenessMeasure {
  tokens: number;
  domTokPerS: number;
  longTasksOver50ms: number;
  maxLongTaskMs: number;
  longAnimationFrames: number;
  maxAnimationFrameMs: number;
  /** Main-thread task time per token (CDP TaskDuration ÷ tokens) in a window around token 100 and near the end. */
  msPerTokenEarly: number;
  msPerTokenLate: number;
  earlyWindow: [number, number];
  lateWindow: [number, number];
  /**
   * The same windows split into their factors (ms/token = busy ms per second ÷ tok/s): a cost per
   * frame that stays flat reads as more ms per token when the model itself slows down with context.
   */
  early: WindowDetail;
  late: WindowDetail;
  /** [seconds since the first token, tok/s rendered in the DOM over the preceding bucket]. */
  domRateSeries: [number, number][];
  /**
   * The same question with the engine's speed held equal. The engine slows with context (the demo
   * model 4x from token 100 to 2,000 with speculation off), and since the page's time is mostly per
   * frame, ms per token then follows the engine. So: the late window of a 2,000-token answer
   * (speculation off, which otherwise depends on what the text repeats) against the early window of
   * a short answer to a prompt as long as that late window's context, also speculation off: both at
   * the same context length, so at the same engine speed, with ~2,000 vs ~100 tokens of answer on the page.
   */
  sameContext: {
    late: WindowDetail & { msPerToken: number };
    control: WindowDetail & { msPerToken: number; promptTokens: number };
  };
}

export interface WindowDetail {
  /** Main-thread task ms per wall-clock second. */
  busyMsPerS: number;
  /** Tokens per second reaching the store. */
  tokPerS: number;
}

function bounds(busy: [number, number, number][], from: number, to: number) {
  const a = busy.find(([, n]) => n >= from);
  const b = [...busy].reverse().find(([, n]) => n <= to);
  return a && b && b[1] > a[1] ? { a, b } : null;
}

function perToken(busy: [number, number, number][], from: number, to: number): number {
  const w = bounds(busy, from, to);
  return w ? ((w.b[2] - w.a[2]) * 1000) / (w.b[1] - w.a[1]) : NaN;
}

function detail(busy: [number, number, number][], from: number, to: number): WindowDetail {
  const w = bounds(busy, from, to);
  if (!w || w.b[0] <= w.a[0]) return { busyMsPerS: NaN, tokPerS: NaN };
  const seconds = (w.b[0] - w.a[0]) / 1000;
  return { busyMsPerS: ((w.b[2] - w.a[2]) * 1000) / seconds, tokPerS: (w.b[1] - w.a[1]) / seconds };
}

function rateSeries(dom: [number, number][], bucketMs: number): [number, number][] {
  const first = dom[0];
  if (!first) return [];
  const series: [number, number][] = [];
  let prev = first;
  for (const point of dom) {
    if (point[0] - prev[0] >= bucketMs) {
      series.push([(point[0] - first[0]) / 1000, ((point[1] - prev[1]) * 1000) / (point[0] - prev[0])]);
      prev = point;
    }
  }
  return series;
}

/**
 * Main-thread time is sampled this often: the early window (tokens 20–200) lasts ~0.2 s at the demo
 * model's speed, so a 100 ms poll gave it one or two intervals and its figure swung 3x run to run.
 */
const POLL_MS = 50;

const windowText = (w: WindowDetail & { msPerToken: number }) =>
  `${w.msPerToken.toFixed(3)} ms/token (busy ${w.busyMsPerS.toFixed(0)} ms/s at ${w.tokPerS.toFixed(0)} tok/s)`;

/**
 * A user message that makes a prompt of about `tokens` tokens with the demo model's tokenizer and
 * chat template (measured: ~0.46 token per character of this text; the report gives the real count).
 */
function longPrompt(tokens: number): string {
  const sentence = 'The keeper climbed the stairs at dusk and lit the lamp for the ships. ';
  return `${sentence.repeat(Math.round((tokens * 2.18) / sentence.length))}Go on with the story.`;
}

/** One long stream in the real UI, with main-thread time sampled through CDP every `pollMs`. */
export async function runResponsiveness(
  browser: Browser,
  origin: string,
  tokens: number,
  log: (line: string) => void,
): Promise<ResponsivenessMeasure> {
  const run = await runInUi(browser, origin, tokens, UI_PROMPT, POLL_MS);
  const earlyWindow: [number, number] = [20, 200];
  const lateWindow: [number, number] = [tokens - 400, tokens - 20];
  const off = { pollMs: POLL_MS, speculative: 'off' as const };
  const longRun = await runInUi(browser, origin, tokens, UI_PROMPT, off);
  const mid = (w: [number, number]) => (w[0] + w[1]) / 2;
  const contextTokens = longRun.engine.promptTokens + mid(lateWindow) - mid(earlyWindow);
  const controlRun = await runInUi(browser, origin, 400, longPrompt(contextTokens), off);
  const result: ResponsivenessMeasure = {
    tokens: run.tokens,
    domTokPerS: run.domTokPerS,
    longTasksOver50ms: run.longTasks.filter((t) => t.duration > 50).length,
    maxLongTaskMs: Math.max(0, ...run.longTasks.map((t) => t.duration)),
    longAnimationFrames: run.longAnimationFrames.length,
    maxAnimationFrameMs: Math.max(0, ...run.longAnimationFrames.map((f) => f.duration)),
    msPerTokenEarly: perToken(run.busy, ...earlyWindow),
    msPerTokenLate: perToken(run.busy, ...lateWindow),
    earlyWindow,
    lateWindow,
    early: detail(run.busy, ...earlyWindow),
    late: detail(run.busy, ...lateWindow),
    domRateSeries: rateSeries(run.dom, 250),
    sameContext: {
      late: { msPerToken: perToken(longRun.busy, ...lateWindow), ...detail(longRun.busy, ...lateWindow) },
      control: {
        promptTokens: controlRun.engine.promptTokens,
        msPerToken: perToken(controlRun.busy, ...earlyWindow),
        ...detail(controlRun.busy, ...earlyWindow),
      },
    },
  };
  log(
    `responsiveness: ${result.longTasksOver50ms} long tasks (max ${result.maxLongTaskMs.toFixed(0)} ms), ` +
      `main thread ${result.msPerTokenEarly.toFixed(3)} ms/token early vs ${result.msPerTokenLate.toFixed(3)} late ` +
      `(busy ${result.early.busyMsPerS.toFixed(0)} vs ${result.late.busyMsPerS.toFixed(0)} ms/s at ` +
      `${result.early.tokPerS.toFixed(0)} vs ${result.late.tokPerS.toFixed(0)} tok/s); same context: late ` +
      `${windowText(result.sameContext.late)} vs ${windowText(result.sameContext.control)} ` +
      `(control prompt ${result.sameContext.control.promptTokens} tokens)`,
  );
  return result;
}
