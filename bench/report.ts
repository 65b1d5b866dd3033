import type { MachineInfo } from './machine';
import type { SpeedMeasure } from './measures/backend-runs';
import { renderGrammar, type GrammarMeasure } from './measures/grammar';
import type { KvCacheMeasure } from './measures/kv-cache';
import { renderSwitchMemory, type SwitchMemoryMeasure } from './measures/switch-memory-report';
import type { PipelineMeasure } from './measures/pipeline';
import type { ResponsivenessMeasure } from './measures/responsiveness';
import { renderKvCache } from './report-kv';
import { fixed as f, percent as pct } from './format';

export interface BenchResults {
  startedAt: string;
  mode: 'quick' | 'full';
  durationS: number;
  machine: MachineInfo;
  notes: string[];
  speed: SpeedMeasure[];
  pipeline: PipelineMeasure | null;
  responsiveness: ResponsivenessMeasure | null;
  memory: SwitchMemoryMeasure | null;
  kvCache?: KvCacheMeasure[];
  grammar?: GrammarMeasure[];
}

const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

function adapterLine(speed: SpeedMeasure[]): string {
  const a = speed.find((s) => s.adapter)?.adapter;
  return a
    ? `${a.vendor || '?'} / ${a.architecture || '?'} ${a.description ? `(${a.description})` : ''}`.trim()
    : 'none';
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `# Typewriter benchmark (${r.mode})`,
    '',
    `${r.startedAt} · ${m.os} · ${m.cpus}× ${m.cpuModel} · ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB · ${m.browser} · ` +
      `WebGPU adapter: ${adapterLine(r.speed)} · commit ${m.gitCommit.slice(0, 10)}${m.gitDirty ? ' (dirty)' : ''} · ${r.durationS.toFixed(0)} s`,
    '',
    'Absolute numbers are noisy on a shared 2-core machine; ratios come from interleaved runs (medians).',
    '',
  ];
  // `--only` runs measure no speed: no empty table, and no chart of it.
  if (r.speed.length > 0)
    lines.push(
      '## 1–2, 4–5: load, speed, peer, roofline',
      '',
      '| backend | model | load cold ms | load 2nd ms | TTFT ms | prefill tok/s | decode tok/s | peer tok/s | ours ÷ peer | roofline |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...r.speed.map(
        (s) =>
          `| ${s.config} | ${s.model} | ${f(s.load.coldMs, 0)} | ${f(s.load.warmMs, 0)} | ${f(s.ours.ttftMs)} | ${f(s.ours.prefillTokPerS, 0)} | ` +
          `${f(s.ours.decodeTokPerS)} | ${f(s.peer.decodeTokPerS)} | **${f(s.peerRatio, 3)}** | ` +
          `${s.roofline ? `${pct(s.roofline.fraction)} of ${f(s.roofline.bandwidthGBps)} GB/s` : '—'} |`,
      ),
      '',
      `Decode tok/s: ${r.speed[0]?.tokens ?? '?'}-token greedy runs (fewer on replicas, see JSON), ${r.speed[0]?.runs ?? '?'} ours/peer pairs alternated. ` +
        'Load "2nd" = unload then load again in the same page: model files come from the HTTP cache (bytes re-fetched are in the JSON). ' +
        'Roofline = decode tok/s × ONNX file bytes ÷ WASM SIMD read bandwidth measured in the same page (1 thread, best of 6 × 256 MiB).',
      '',
    );
  const p = r.pipeline;
  if (p) {
    lines.push(
      '## 3: pipeline efficiency (real UI vs raw stream)',
      '',
      '| tokens | backend | UI DOM tok/s | engine tok/s in UI runs | raw harness tok/s | DOM ÷ raw | DOM ÷ same-run engine | target ≥ 0.98 |',
      '|---|---|---|---|---|---|---|---|',
      `| ${p.tokens} × ${p.runs} | ${p.backend} ${p.threads}t | ${f(p.uiDomTokPerS)} | ${f(p.uiEngineTokPerS)} | ${f(p.rawTokPerS)} | **${f(p.efficiency, 3)}** | ${f(p.domVsSameRunEngine, 3)} | ${verdict(p.efficiency >= 0.98)} |`,
      '',
    );
  }
  const q = r.responsiveness;
  if (q) {
    const flat = q.msPerTokenLate <= q.msPerTokenEarly * 1.25 + 0.02;
    lines.push(
      `## 6: UI responsiveness (${q.tokens}-token stream in the real UI)`,
      '',
      '| long tasks > 50 ms | max task ms | long animation frames | max frame ms | main-thread ms/token early | late | same engine speed: late ÷ early | DOM tok/s |',
      '|---|---|---|---|---|---|---|---|',
      `| ${q.longTasksOver50ms} (${verdict(q.longTasksOver50ms === 0)}) | ${f(q.maxLongTaskMs, 0)} | ${q.longAnimationFrames} | ${f(q.maxAnimationFrameMs, 0)} | ` +
        `${f(q.msPerTokenEarly, 3)} (tokens ${q.earlyWindow.join('–')}) | ${f(q.msPerTokenLate, 3)} (tokens ${q.lateWindow.join('–')}; flat: ${verdict(flat)}) | ` +
        `${f(q.sameContext.late.msPerToken / q.sameContext.control.msPerToken, 2)} (${f(q.sameContext.control.tokPerS, 0)} vs ${f(q.sameContext.late.tokPerS, 0)} tok/s) | ${f(q.domTokPerS)} |`,
      '',
    );
  }
  if (r.memory) lines.push(...renderSwitchMemory(r.memory, '## 7:'));
  lines.push(...renderKvCache(r.kvCache ?? []));
  lines.push(...renderGrammar(r.grammar ?? []));
  if (r.notes.length > 0) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  if (r.speed.length > 0) lines.push('![decode tok/s, ours vs peer; tok/s over a long stream](latest.svg)', '');
  return lines.join('\n');
}
