import { readFileSync, writeFileSync } from 'node:fs';
import { chooseDtype } from '../common/dtype-policy';
import { formatBytes } from '../common/format-bytes';
import type { DtypeMeasure } from './measures/dtypes';

/** `page.evaluate: UnsupportedDtype: /bench-models/x/: fp16 needs …` → `UnsupportedDtype: fp16 needs …`. */
const shortError = (e: string) => e.replace(/^(?:page\.evaluate: )?(\w+): \/\S+\/: /, '$1: ').slice(0, 120);
/** The dtype as the engine ran it: a q4 file on WASM is unpacked at load unless the form says `off`. */
export const formLabel = (r: DtypeMeasure): string =>
  r.q4Rewrite === 'off'
    ? `${r.dtype} as shipped`
    : r.rewrittenNodes > 0
      ? `${r.dtype} → ${r.rewriteDense ?? r.q4Rewrite ?? 'fp16'} at load`
      : r.dtype;
/** The row `auto` would load: the engine's default for that dtype (q4 unpacked as `q4Rewrite: 'auto'` does). */
const isDefaultForm = (r: DtypeMeasure) => r.q4Rewrite === undefined;
const threads = (r: DtypeMeasure) => (r.backend === 'webgpu' ? '—' : String(r.threads));
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
    const all = rows.filter((r) => r.config === config && r.replica === replica);
    const group = all.filter(isDefaultForm);
    const ran = group.filter((r) => Number.isFinite(r.decodeTokPerS));
    if (ran.length === 0) continue;
    const backend = group[0]!.backend;
    if (backend === 'webgpu' && group.some((r) => r.swiftShader)) {
      lines.push(
        `- ${config} ${replica}: not judged — SwiftShader runs the shaders on the CPU, so these rows prove the path ` +
          "(and the shader-f16 refusals), not a GPU's speed; the WebGPU profile is a weight-bandwidth estimate",
      );
      continue;
    }
    const sizes = Object.fromEntries(group.map((r) => [r.dtype, r.fileBytes]));
    const pick = chooseDtype(
      group.map((r) => r.dtype),
      { backend, shaderF16: false },
      sizes,
    );
    const fastest = [...all.filter((r) => Number.isFinite(r.decodeTokPerS))].sort(
      (a, b) => b.decodeTokPerS - a.decodeTokPerS,
    )[0]!;
    const picked = pick.ok ? ran.find((r) => r.dtype === pick.dtype) : undefined;
    const ratio = picked ? fastest.decodeTokPerS / picked.decodeTokPerS : NaN;
    const verdict = !pick.ok
      ? `refuses (${pick.reason})`
      : !picked
        ? `picks ${pick.dtype}, which did not run here`
        : ratio >= 2
          ? `picks ${formLabel(picked)}: **${f(ratio, 2)}× slower than ${formLabel(fastest)} — the policy is wrong here**`
          : `picks ${formLabel(picked)} (${f(picked.decodeTokPerS)} tok/s; fastest measured ${formLabel(fastest)} ${f(fastest.decodeTokPerS)}, ${f(ratio, 2)}×)`;
    lines.push(`- ${config} ${replica}: \`auto\` ${verdict}`);
  }
  return lines;
}

export function renderDtypes(rows: readonly DtypeMeasure[], heading = '## Dtype forms'): string {
  const fp32 = (r: DtypeMeasure) =>
    rows.find((x) => x.config === r.config && x.replica === r.replica && x.dtype === 'fp32')?.decodeTokPerS ?? NaN;
  const loadCell = (r: DtypeMeasure) =>
    Number.isFinite(r.rewriteMs) ? `${f(r.loadMs, 0)} (unpack ${f(r.rewriteMs, 0)})` : f(r.loadMs, 0);
  return [
    heading,
    '',
    '| backend | threads | replica | dtype | weights | load ms | peak memory | prefill tok/s (min–max) | decode tok/s (min–max) | decode ÷ fp32 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      r.error
        ? `| ${r.backend} | ${threads(r)} | ${r.replica} | ${formLabel(r)} | ${formatBytes(r.fileBytes)} | — | — | — | refused: ${shortError(r.error)} | — |`
        : `| ${r.backend} | ${threads(r)} | ${r.replica} | ${formLabel(r)} | ${formatBytes(r.fileBytes)} | ${loadCell(r)} | ` +
          `${formatBytes(r.peakBytes)} (${f(r.peakBytes / r.fileBytes, 1)}×) | ${range(r.prefillTokPerS, r.prefillMin, r.prefillMax, 0)} | ` +
          `${range(r.decodeTokPerS, r.decodeMin, r.decodeMax)} | ${f(r.decodeTokPerS / fp32(r), 2)} |`,
    ),
    '',
    `Medians of ${rows[0]?.runs ?? 0} interleaved rounds (every form loaded in its own page, then one run of each per round), ` +
      `${rows[0]?.tokens ?? 0} greedy tokens after a ~120-token prompt, no kept cache, no speculation. Peak memory: renderer RSS ` +
      'growth from before the load to its peak during load and a first 4-token generation (× the weight files). ' +
      '"q4 → fp32 at load": the engine unpacked the MatMulNBits weights once at load (its default on WASM, fp32 ' +
      'where it fits; the unpack time is part of the load); "as shipped": `q4Rewrite: \'off\'`, ORT unpacking ' +
      'them on every call.',
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
