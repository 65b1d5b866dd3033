import { median } from '../stats';
import type { SwitchMemoryMeasure } from './switch-memory';
import { fixed as f, percent as pct, spread as range } from '../format';

export type { SwitchMemoryMeasure };

/** The switch-memory table, for `bench:page` and section 7 of `npm run bench`. */
export function renderSwitchMemory(m: SwitchMemoryMeasure, heading: string): string[] {
  return [
    `${heading} Memory over 20 generations and 10 model switches (fp32 ↔ q8)`,
    '',
    'Chromium driven over a raw DevTools pipe with no domain enabled (under Playwright, the Network domain keeps every fetched model file in the renderer). ' +
      'RSS: renderer processes (page, worker, WASM heaps), after a full GC in the page and in its workers (CDP), read once it is stable (two readings 1.5 s apart within 1%, at most 15 s); ' +
      'the median of three such readings, with their range. UA: `performance.measureUserAgentSpecificMemory()` (JS and WASM heaps of the page and its workers). Goal: growth < 5%.',
    '',
    '| worker on switch | after 1 gen | after 20 gens | after 10 switches | after 10 switches + 20 gens | growth 20 gens | growth 10 switches (RSS / UA) | growth 10 switches + 20 gens | growth switches 2 → 10 | switch ms median (min–max) | restart ms | engine load ms | warm-up ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...m.variants.map((v) => {
      const mem = (i: number) => {
        const s = v.samples[i];
        const spread = s?.rssRangeMb ? ` [${f(s.rssRangeMb[0], 0)}–${f(s.rssRangeMb[1], 0)}]` : '';
        return s ? `${f(s.rssMb, 0)} MB${spread} (UA ${f(s.uaMemoryMb, 0)})` : '—';
      };
      return (
        `| ${v.variant === 'restart' ? 'fresh worker (?restart-worker)' : 'same worker (default)'} | ${mem(0)} | ${mem(1)} | ${mem(2)} | ${mem(3)} | ` +
        `${pct(v.growthGenerations)} | ${pct(v.growthSwitches)} / ${pct(v.uaGrowthSwitches)} | ${pct(v.growthSwitchesSettled)} | ${pct(v.growthSwitches2to10)} | ${f(median(v.switchMs), 0)} (${range(v.switchMs)}) | ` +
        `${f(median(v.restartMs), 0)} | ${f(median(v.loadMs), 0)} | ${f(median(v.warmupMs), 0)} |`
      );
    }),
    '',
  ];
}
