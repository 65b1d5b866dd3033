import type { EfficiencyMeasure, SwitchMemoryMeasure, UiProfile, WarmupMeasure } from './measures/page-cost';
import type { ResponsivenessMeasure } from './measures/responsiveness';

export interface PageResults {
  startedAt: string;
  mode: string;
  profile: UiProfile;
  efficiency: EfficiencyMeasure[];
  threads: EfficiencyMeasure[];
  warmup: WarmupMeasure;
  responsiveness: ResponsivenessMeasure;
  memory: SwitchMemoryMeasure;
}

const f = (v: number | null | undefined, d = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const range = (xs: number[]) => (xs.length ? `${f(Math.min(...xs))}–${f(Math.max(...xs))}` : '—');

export function renderPageReport(r: PageResults): string {
  const lines = [
    `# Page cost (${r.mode}, ${r.startedAt})`,
    '',
    `## Profile: ${r.profile.tokens}-token stream, ${r.profile.frames} frames, ${f(r.profile.domTokPerS)} tok/s in the DOM`,
    '',
    '| stage | ms per frame |',
    '| --- | --- |',
    ...Object.entries(r.profile.perFrameMs)
      .sort((a, b) => b[1] - a[1])
      .map(([stage, ms]) => `| ${stage} | ${f(ms, 3)} |`),
    '',
    '## Pipeline efficiency (UI DOM tok/s ÷ bare reader tok/s, interleaved runs)',
    '',
    '| model | tokens | threads | UI tok/s (min–max) | raw tok/s (min–max) | efficiency |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[...r.efficiency, ...r.threads].map(
      (e) =>
        `| ${e.model} | ${e.tokens} | ${e.threads} | ${range(e.uiRuns)} | ${range(e.rawRuns)} | ${f(e.efficiency, 2)} |`,
    ),
    '',
    `## Answers 1–5 decode tok/s (${r.warmup.tokens} tokens each)`,
    '',
    '| visit | load ms | answers 1–5 | first ÷ fifth |',
    '| --- | --- | --- | --- |',
    ...(['cold', 'secondVisit'] as const).map((k) => {
      const v = r.warmup[k];
      return `| ${k === 'cold' ? 'cold' : 'second visit'} | ${f(v.loadMs, 0)} | ${v.answers.map((a) => f(a, 0)).join(', ')} | ${f(v.firstOverFifth, 2)} |`;
    }),
    '',
    '## Main thread per token (real UI, 2,000 tokens)',
    '',
    `At token ~100: ${f(r.responsiveness.msPerTokenEarly, 3)} ms; near token 2,000: ${f(r.responsiveness.msPerTokenLate, 3)} ms ` +
      `(ratio ${f(r.responsiveness.msPerTokenLate / r.responsiveness.msPerTokenEarly, 2)}).`,
    '',
    '## Memory (renderer RSS: page, worker, WASM heaps)',
    '',
    ...r.memory.samples.map((s) => `- ${s.label}: ${f(s.rssMb, 0)} MB RSS, ${f(s.jsHeapMb, 1)} MB page JS heap`),
    `- growth over 20 generations: ${pct(r.memory.growthGenerations)}; over 10 switches: ${pct(r.memory.growthSwitches)}`,
    `- a switch (worker restart + load from cache): median ${f(median(r.memory.switchMs), 0)} ms (${range(r.memory.switchMs)}); restart alone ${f(median(r.memory.restartMs), 0)} ms`,
    '',
  ];
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
