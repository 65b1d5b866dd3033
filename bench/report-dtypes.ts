import { readFileSync, writeFileSync } from 'node:fs';
import { chooseDtype } from '../common/dtype-policy';
import { formatBytes } from '../common/format-bytes';
import type { DtypeMeasure } from './measures/dtypes';

const f = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const range = (median: number, min: number, max: number, digits = 1) =>
  Number.isFinite(median) ? `**${f(median, digits)}** (${f(min, digits)}–${f(max, digits)})` : '—';

/**
 * What `auto` picks for each config against what the table measured: the policy must never pick a
 * form that measured ≥ 2× slower than another that ran.
 */
function policyCheck(rows: readonly DtypeMeasure[]): string[] {
  const lines: string[] = [];
  const configs = [...new Set(rows.map((r) => `${r.config}\u0000${r.replica}`))];
  for (const key of configs) {
    const [config, replica] = key.split('\u0000') as [string, string];
    const group = rows.filter((r) => r.config === config && r.replica === replica);
    const ran = group.filter((r) => Number.isFinite(r.decodeTokPerS));
    if (ran.length === 0) continue;
    const backend = group[0]!.backend;
    const sizes = Object.fromEntries(group.map((r) => [r.dtype, r.fileBytes]));
    const pick = chooseDtype(
      group.map((r) => r.dtype),
      { backend, shaderF16: false },
      sizes,
    );
    const fastest = [...ran].sort((a, b) => b.decodeTokPerS - a.decodeTokPerS)[0]!;
    const picked = pick.ok ? ran.find((r) => r.dtype === pick.dtype) : undefined;
    const ratio = picked ? fastest.decodeTokPerS / picked.decodeTokPerS : NaN;
    const verdict = !pick.ok
      ? `refuses (${pick.reason})`
      : !picked
        ? `picks ${pick.dtype}, which did not run here`
        : ratio >= 2
          ? `picks ${pick.dtype}: **${f(ratio, 2)}× slower than ${fastest.dtype} — the policy is wrong here**`
          : `picks ${pick.dtype} (${f(picked.decodeTokPerS)} tok/s; fastest measured ${fastest.dtype} ${f(fastest.decodeTokPerS)}, ${f(ratio, 2)}×)`;
    lines.push(`- ${config} ${replica}: \`auto\` ${verdict}`);
  }
  return lines;
}

export function renderDtypes(rows: readonly DtypeMeasure[], heading = '## Dtype forms'): string {
  const fp32 = (r: DtypeMeasure) =>
    rows.find((x) => x.config === r.config && x.replica === r.replica && x.dtype === 'fp32')?.decodeTokPerS ?? NaN;
  return [
    heading,
    '',
    '| backend | threads | replica | dtype | weights | load ms | peak memory | prefill tok/s (min–max) | decode tok/s (min–max) | decode ÷ fp32 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      r.error
        ? `| ${r.backend} | ${r.threads} | ${r.replica} | ${r.dtype} | ${formatBytes(r.fileBytes)} | — | — | — | ${r.error.slice(0, 120)} | — |`
        : `| ${r.backend} | ${r.threads} | ${r.replica} | ${r.dtype} | ${formatBytes(r.fileBytes)} | ${f(r.loadMs, 0)} | ` +
          `${formatBytes(r.peakBytes)} (${f(r.peakBytes / r.fileBytes, 1)}×) | ${range(r.prefillTokPerS, r.prefillMin, r.prefillMax, 0)} | ` +
          `${range(r.decodeTokPerS, r.decodeMin, r.decodeMax)} | ${f(r.decodeTokPerS / fp32(r), 2)} |`,
    ),
    '',
    `Medians of ${rows[0]?.runs ?? 0} interleaved rounds (every form loaded in its own page, then one run of each per round), ` +
      `${rows[0]?.tokens ?? 0} greedy tokens after a ~120-token prompt, no kept cache, no speculation. Peak memory: renderer RSS ` +
      'growth from before the load to its peak during load and a first 4-token generation (× the weight files).',
    '',
    ...policyCheck(rows),
    '',
  ].join('\n');
}

const START = '<!-- dtype-table:start (written by npm run bench -- --only dtypes) -->';
const END = '<!-- dtype-table:end -->';

/** Replaces the table between the markers in the README (the markers must exist). */
export function writeDtypeTableIntoReadme(table: string, readme = 'README.md'): boolean {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(readme, `${text.slice(0, start + START.length)}\n\n${table}\n${text.slice(end)}`);
  return true;
}
