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

/** One long stream in the real UI, with main-thread time sampled through CDP every `pollMs`. */
export async function runResponsiveness(
  browser: Browser,
  origin: string,
  tokens: number,
  log: (line: string) => void,
): Promise<ResponsivenessMeasure> {
  const run = await runInUi(browser, origin, tokens, UI_PROMPT, 100);
  const earlyWindow: [number, number] = [20, 200];
  const lateWindow: [number, number] = [tokens - 400, tokens - 20];
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
  };
  log(
    `responsiveness: ${result.longTasksOver50ms} long tasks (max ${result.maxLongTaskMs.toFixed(0)} ms), ` +
      `main thread ${result.msPerTokenEarly.toFixed(3)} ms/token early vs ${result.msPerTokenLate.toFixed(3)} late ` +
      `(busy ${result.early.busyMsPerS.toFixed(0)} vs ${result.late.busyMsPerS.toFixed(0)} ms/s at ` +
      `${result.early.tokPerS.toFixed(0)} vs ${result.late.tokPerS.toFixed(0)} tok/s)`,
  );
  return result;
}
