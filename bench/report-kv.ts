import type { KvCacheMeasure } from './measures/kv-cache';
import { fixed as f } from './format';

/** The KV-cache section of latest.md: pass cost and break-even, speculation, TTFT by turn. */
export function renderKvCache(kv: readonly KvCacheMeasure[]): string[] {
  if (kv.length === 0) return [];
  const lines = [
    '## 8: KV cache — pass cost, speculation break-even, TTFT by turn',
    '',
    '| backend | model | ms per pass by new tokens (÷ 1-token pass) | k | (k+1)-pass ÷ 1-pass | break-even acceptance |',
    '|---|---|---|---|---|---|',
    ...kv.map(
      (m) =>
        `| ${m.config} | ${m.model} | ${m.passCosts.map((c) => `${c.rows}: ${f(c.ms)} (${f(c.ratio, 2)})`).join(' · ')} | ` +
        `${m.breakEven?.draftTokens ?? '—'} | **${f(m.breakEven?.costRatio, 2)}** | **${f((m.breakEven?.acceptance ?? NaN) * 100, 0)}%** |`,
    ),
    '',
    "Pass cost: forward-pass ms (the engine's own counter) by new tokens fed on a cached prefix: 1 = a decode pass (median of 17-token minus 1-token runs), more = a line fitted to prefills of a few tokens after a reused prefix. " +
      'Break-even: the per-draft acceptance rate a at which 1 + a + … + a^k tokens per verify pass pay for its cost ratio.',
    '',
    '| backend | model | prompt | tokens | plain ms | on ms | speed-up on | auto ms | speed-up auto | accepted / drafted (on) | passes plain → on | cache cuts, ms each | same ids |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...kv.flatMap((m) =>
      m.speculation.map(
        (s) =>
          `| ${m.config} | ${m.model} | ${s.prompt} | ${s.tokens} | ${f(s.plainMs, 0)} | ${f(s.speculativeMs, 0)} | **${f(s.speedup, 2)}** | ` +
          `${f(s.autoMs, 0)} | **${f(s.autoSpeedup, 2)}** | ` +
          `${s.accepted} / ${s.drafted} (${f(s.acceptance * 100, 0)}%) | ${s.plainPasses} → ${s.speculativePasses} | ${s.cuts}, ${f(s.msPerCut, 2)} | ${s.identical ? 'yes' : '**no**'} |`,
      ),
    ),
    '',
    'Random-weight models: the acceptance rates say little about real models; the cost ratio and break-even are the result.',
    '',
  ];
  for (const m of kv.filter((x) => x.chat)) {
    lines.push(
      `TTFT by turn, 10-turn chat, ${m.config} ${m.model} (8 tokens per answer; before = a fresh cache every turn, as the engine did before it kept one):`,
      '',
      '| turn | TTFT before ms | prefilled before | TTFT after ms | prefilled after | reused after |',
      '|---|---|---|---|---|---|',
      ...(m.chat ?? []).map(
        (t) =>
          `| ${t.turn} | ${f(t.before.ttftMs, 0)} | ${t.before.prefilled} | ${f(t.after.ttftMs, 0)} | ${t.after.prefilled} | ${t.after.reused} |`,
      ),
      '',
    );
  }
  return lines;
}
