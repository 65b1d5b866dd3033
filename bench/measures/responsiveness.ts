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
  /** [seconds since the first token, tok/s rendered in the DOM over the preceding bucket]. */
  domRateSeries: [number, number][];
}

function perToken(busy: [number, number, number][], from: number, to: number): number {
  const a = busy.find(([, n]) => n >= from);
  const b = [...busy].reverse().find(([, n]) => n <= to);
  if (!a || !b || b[1] <= a[1]) return NaN;
  return ((b[2] - a[2]) * 1000) / (b[1] - a[1]);
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
    domRateSeries: rateSeries(run.dom, 250),
  };
  log(
    `responsiveness: ${result.longTasksOver50ms} long tasks (max ${result.maxLongTaskMs.toFixed(0)} ms), ` +
      `main thread ${result.msPerTokenEarly.toFixed(3)} ms/token early vs ${result.msPerTokenLate.toFixed(3)} late`,
  );
  return result;
}
