import type { BenchResults } from './report';

const W = 760;
const BAR_H = 300;
const LINE_H = 220;
const PAD = 50;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, extra = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(s)}</text>`;

/** Log-scale bars: the demo runs at hundreds of tok/s, the replicas at tens. */
function bars(r: BenchResults, top: number): string {
  const rows = r.speed.filter((s) => Number.isFinite(s.ours.decodeTokPerS));
  const max = Math.max(1, ...rows.flatMap((s) => [s.ours.decodeTokPerS, s.peer.decodeTokPerS]));
  const logMax = Math.log10(max * 1.5);
  const plotH = BAR_H - 90;
  const y = (v: number) => top + 30 + plotH - (Math.max(0, Math.log10(Math.max(v, 1))) / logMax) * plotH;
  const groupW = (W - 2 * PAD) / Math.max(1, rows.length);
  const parts = [text(PAD, top + 16, 'Decode tok/s (log scale): ours vs transformers.js generate() peer', 'class="t"')];
  for (const tick of [1, 10, 100, 1000].filter((t) => t <= max * 1.5)) {
    parts.push(`<line x1="${PAD}" x2="${W - PAD}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/>`);
    parts.push(text(PAD - 6, y(tick) + 4, String(tick), 'text-anchor="end" class="s"'));
  }
  rows.forEach((s, i) => {
    const x = PAD + i * groupW + groupW * 0.15;
    const bw = groupW * 0.33;
    for (const [k, v] of [
      [0, s.ours.decodeTokPerS],
      [1, s.peer.decodeTokPerS],
    ] as const) {
      const bx = x + k * bw;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(top + 30 + plotH - y(v)).toFixed(1)}" class="${k ? 'peer' : 'ours'}"/>`,
      );
      parts.push(text(bx + bw / 2, y(v) - 3, v.toFixed(v < 10 ? 1 : 0), 'text-anchor="middle" class="s"'));
    }
    parts.push(text(x + bw, top + 30 + plotH + 14, s.config, 'text-anchor="middle" class="s"'));
    parts.push(text(x + bw, top + 30 + plotH + 27, s.model, 'text-anchor="middle" class="s"'));
  });
  parts.push(`<rect x="${W - 190}" y="${top + 6}" width="10" height="10" class="ours"/>`);
  parts.push(text(W - 176, top + 15, 'Typewriter engine', 'class="s"'));
  parts.push(`<rect x="${W - 190}" y="${top + 20}" width="10" height="10" class="peer"/>`);
  parts.push(text(W - 176, top + 29, 'generate() + TextStreamer', 'class="s"'));
  return parts.join('\n');
}

function line(r: BenchResults, top: number): string {
  const series = r.responsiveness?.domRateSeries ?? [];
  const parts = [
    text(
      PAD,
      top + 16,
      `Tok/s rendered in the DOM during a ${r.responsiveness?.tokens ?? '?'}-token stream (real UI)`,
      'class="t"',
    ),
  ];
  if (series.length < 2) return parts.join('\n');
  const maxT = Math.max(...series.map(([t]) => t));
  const maxV = Math.max(...series.map(([, v]) => v)) * 1.15;
  const plotH = LINE_H - 60;
  const x = (t: number) => PAD + (t / maxT) * (W - 2 * PAD);
  const y = (v: number) => top + 30 + plotH - (v / maxV) * plotH;
  for (const frac of [0, 0.5, 1]) {
    const v = maxV * frac;
    parts.push(`<line x1="${PAD}" x2="${W - PAD}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`);
    parts.push(text(PAD - 6, y(v) + 4, v.toFixed(0), 'text-anchor="end" class="s"'));
  }
  const d = series.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  parts.push(`<path d="${d}" class="line"/>`);
  parts.push(text(W - PAD, top + 30 + plotH + 16, `${maxT.toFixed(1)} s`, 'text-anchor="end" class="s"'));
  parts.push(text(PAD, top + 30 + plotH + 16, '0 s', 'class="s"'));
  return parts.join('\n');
}

export function renderChart(r: BenchResults): string {
  const h = BAR_H + LINE_H + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="system-ui, sans-serif">`,
    '<style>.t{font-size:13px;font-weight:600}.s{font-size:10px}.grid{stroke:#ddd}.ours{fill:#2f6fdf}.peer{fill:#f0a030}.line{fill:none;stroke:#2f6fdf;stroke-width:1.5}</style>',
    `<rect width="${W}" height="${h}" fill="#fff"/>`,
    bars(r, 0),
    line(r, BAR_H + 10),
    '</svg>',
    '',
  ].join('\n');
}
