import type { EfficiencyMeasure, UiProfile, WarmupMeasure } from './measures/page-cost';
import { renderSwitchMemory, type SwitchMemoryMeasure } from './measures/switch-memory-report';
import type { ResponsivenessMeasure } from './measures/responsiveness';
import { median } from './stats';
import { fixed as f, spread } from './format';

export interface PageResults {
  startedAt: string;
  mode: string;
  profile: UiProfile;
  efficiency: EfficiencyMeasure[];
  threads: EfficiencyMeasure[];
  warmup: WarmupMeasure;
  /** Repeated: one 2,000-token stream is a single sample of a figure that swings with the engine's rate. */
  responsiveness: ResponsivenessMeasure[];
  memory: SwitchMemoryMeasure;
}

const range = (xs: number[]) => spread(xs);
const range2 = (xs: number[]) => spread(xs, 2);

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
    `## Answers 1–5 decode tok/s (${r.warmup.tokens} tokens each, ${r.warmup.rounds.length} rounds)`,
    '',
    'Greedy, speculation off, no KV kept between answers: five comparable requests (same prompt, same length). ' +
      'Each round is a new on-disk profile: a cold visit (empty HTTP and code caches), then a second visit ' +
      "(ORT's wasm from the HTTP cache and its compiled code from V8's code cache, as for a returning user).",
    '',
    ...(['cold', 'secondVisit'] as const).map((k) => {
      const ratios = r.warmup.rounds.map((round) => round[k].firstOverFifth);
      return `- ${k === 'cold' ? 'cold' : 'second visit'}: first ÷ fifth median **${f(median(ratios), 2)}** (${range2(ratios)})`;
    }),
    '',
    '| round | visit | load ms (warm-up ms, passes) | answers 1–5 tok/s | CPU ms/token 1–5 | first ÷ fifth |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.warmup.rounds.flatMap((round, i) =>
      (['cold', 'secondVisit'] as const).map((k) => {
        const v = round[k];
        return (
          `| ${i + 1} | ${k === 'cold' ? 'cold' : 'second visit'} | ${f(v.loadMs, 0)} (${f(v.warmupMs, 0)}, ${f(v.warmupPasses, 0)}) | ` +
          `${v.answers.map((a) => f(a, 0)).join(', ')} | ${v.cpuMsPerToken.map((a) => f(a, 2)).join(', ')} | ${f(v.firstOverFifth, 2)} |`
        );
      }),
    ),
    '',
    '## Main thread per token (real UI, 2,000 tokens)',
    '',
    ...responsivenessLines(r.responsiveness),
    '',
    ...renderSwitchMemory(r.memory, '##'),
  ];
  return lines.join('\n');
}

/** Main-thread ms per token near token 100 and 2,000, per run, with the median ratio and its range. */
function responsivenessLines(runs: ResponsivenessMeasure[]): string[] {
  const ratios = runs.map((q) => q.msPerTokenLate / q.msPerTokenEarly);
  return [
    `Late ÷ early: median **${f(median(ratios), 2)}** (${range2(ratios)}) over ${runs.length} runs. ` +
      'Main-thread ms per token = busy ms per second ÷ tok/s, and the busy time per second is mostly per frame ' +
      '(frames are capped at 20/s), so a run whose engine slows at long context reads higher per token.',
    '',
    '| run | ms/token at ~100 | ms/token near 2,000 | late ÷ early | busy ms/s early / late | tok/s early / late |',
    '| --- | --- | --- | --- | --- | --- |',
    ...runs.map(
      (q, i) =>
        `| ${i + 1} | ${f(q.msPerTokenEarly, 3)} | ${f(q.msPerTokenLate, 3)} | ${f(ratios[i], 2)} | ` +
        `${f(q.early.busyMsPerS, 0)} / ${f(q.late.busyMsPerS, 0)} | ${f(q.early.tokPerS, 0)} / ${f(q.late.tokPerS, 0)} |`,
    ),
  ];
}
