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

/** The report; an `--only` run has just its section. */
export function renderPageReport(r: Partial<PageResults> & Pick<PageResults, 'startedAt' | 'mode'>): string {
  return [
    `# Page cost (${r.mode}, ${r.startedAt})`,
    '',
    ...(r.profile ? profileLines(r.profile) : []),
    ...(r.efficiency ? efficiencyLines([...r.efficiency, ...(r.threads ?? [])]) : []),
    ...(r.warmup ? warmupLines(r.warmup) : []),
    ...(r.responsiveness
      ? ['## Main thread per token (real UI, 2,000 tokens)', '', ...responsivenessLines(r.responsiveness), '']
      : []),
    ...(r.memory ? renderSwitchMemory(r.memory, '##') : []),
  ].join('\n');
}

function profileLines(p: UiProfile): string[] {
  return [
    `## Profile: ${p.tokens}-token stream, ${p.frames} frames, ${f(p.domTokPerS)} tok/s in the DOM`,
    '',
    '| stage | ms per frame |',
    '| --- | --- |',
    ...Object.entries(p.perFrameMs)
      .sort((a, b) => b[1] - a[1])
      .map(([stage, ms]) => `| ${stage} | ${f(ms, 3)} |`),
    '',
  ];
}

function efficiencyLines(measures: EfficiencyMeasure[]): string[] {
  return [
    '## Pipeline efficiency (UI DOM tok/s ÷ bare reader tok/s, interleaved runs)',
    '',
    '| model | tokens | threads | UI tok/s (min–max) | raw tok/s (min–max) | efficiency |',
    '| --- | --- | --- | --- | --- | --- |',
    ...measures.map(
      (e) =>
        `| ${e.model} | ${e.tokens} | ${e.threads} | ${range(e.uiRuns)} | ${range(e.rawRuns)} | ${f(e.efficiency, 2)} |`,
    ),
    '',
  ];
}

const VISITS = ['cold', 'secondVisit'] as const;
const visitName = (k: (typeof VISITS)[number]) => (k === 'cold' ? 'cold' : 'second visit');

function warmupLines(w: WarmupMeasure): string[] {
  return [
    `## Answers 1–5 decode tok/s (${w.tokens} tokens each, ${w.rounds.length} rounds)`,
    '',
    'Greedy, speculation off, no KV kept between answers: five comparable requests (same prompt, same length). ' +
      'Each round is a new on-disk profile: a cold visit (empty HTTP and code caches), then a second visit ' +
      "(ORT's wasm from the HTTP cache and its compiled code from V8's code cache, as for a returning user). " +
      'First ÷ fifth is the goal (≥ 0.9); first ÷ steady divides by the median of answers 3–5 instead of one answer.',
    '',
    ...VISITS.map((k) => {
      const ratios = w.rounds.map((round) => round[k].firstOverFifth);
      const steady = w.rounds.map((round) => round[k].firstOverSteady);
      return (
        `- ${visitName(k)}: first ÷ fifth median **${f(median(ratios), 2)}** (${range2(ratios)}); ` +
        `first ÷ steady median **${f(median(steady), 2)}** (${range2(steady)})`
      );
    }),
    '',
    '| round | visit | load ms (warm-up ms, passes, answers) | answers 1–5 tok/s | CPU ms/token 1–5 | first ÷ fifth | first ÷ steady |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...w.rounds.flatMap((round, i) =>
      VISITS.map((k) => {
        const v = round[k];
        return (
          `| ${i + 1} | ${visitName(k)} | ${f(v.loadMs, 0)} (${f(v.warmupMs, 0)}, ${f(v.warmupPasses, 0)}, ${f(v.warmupAnswers, 0)}) | ` +
          `${v.answers.map((a) => f(a, 0)).join(', ')} | ${v.cpuMsPerToken.map((a) => f(a, 2)).join(', ')} | ` +
          `${f(v.firstOverFifth, 2)} | ${f(v.firstOverSteady, 2)} |`
        );
      }),
    ),
    '',
  ];
}

/** Main-thread ms per token near token 100 and 2,000, per run, with the median ratio and its range. */
function responsivenessLines(runs: ResponsivenessMeasure[]): string[] {
  const ratios = runs.map((q) => q.msPerTokenLate / q.msPerTokenEarly);
  const controlled = runs.map((q) => q.sameContext.late.msPerToken / q.sameContext.control.msPerToken);
  return [
    `Late ÷ early: median **${f(median(ratios), 2)}** (${range2(ratios)}) over ${runs.length} runs. ` +
      'Main-thread ms per token = busy ms per second ÷ tok/s, and the busy time per second is mostly per frame ' +
      '(frames are capped at 20/s), so a run whose engine slows at long context reads higher per token.',
    '',
    `At the same engine speed (speculation off; the late window of a 2,000-token answer against the first ` +
      `~200 tokens of an answer to a prompt as long as that window's context, so both run at the same context ` +
      `length with ~2,000 vs ~100 tokens of answer on the page): late ÷ early median ` +
      `**${f(median(controlled), 2)}** (${range2(controlled)}). This is the page's own growth with the answer's length.`,
    '',
    '| run | ms/token at ~100 | ms/token near 2,000 | late ÷ early | busy ms/s early / late | tok/s early / late | same context: ms/token early / late | busy ms/s | tok/s | control prompt tokens | late ÷ early |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((q, i) => {
      const { late, control } = q.sameContext;
      return (
        `| ${i + 1} | ${f(q.msPerTokenEarly, 3)} | ${f(q.msPerTokenLate, 3)} | ${f(ratios[i], 2)} | ` +
        `${f(q.early.busyMsPerS, 0)} / ${f(q.late.busyMsPerS, 0)} | ${f(q.early.tokPerS, 0)} / ${f(q.late.tokPerS, 0)} | ` +
        `${f(control.msPerToken, 3)} / ${f(late.msPerToken, 3)} | ${f(control.busyMsPerS, 0)} / ${f(late.busyMsPerS, 0)} | ` +
        `${f(control.tokPerS, 0)} / ${f(late.tokPerS, 0)} | ${control.promptTokens} | ${f(controlled[i], 2)} |`
      );
    }),
  ];
}
