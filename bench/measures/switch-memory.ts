import type { GenerateRequest, ModelSpec } from '../../workers/protocol';
import { settledRendererRssBytes } from '../browser';
import { launchPipeProfile, type PipePage } from '../cdp-pipe';
import { median } from '../stats';

/** Memory over model switches and generations (issue 12 §3), read as a user's browser holds it. */

export interface MemorySample {
  label: string;
  /** Renderer RSS (page + worker + WASM heaps), MB, after a GC in the page and a settle delay: the median of three readings. */
  rssMb: number | null;
  /** The three readings' spread, MB: RSS moves by ±10% between readings while nothing runs. */
  rssRangeMb: [number, number] | null;
  jsHeapMb: number;
  /** performance.measureUserAgentSpecificMemory() (page and its workers), MB, where the page is isolated. */
  uaMemoryMb: number | null;
}

export interface SwitchMemoryVariant {
  /** `keep-worker`: the default, one worker for all switches; `restart`: a fresh worker per switch (`?restart-worker`). */
  variant: 'restart' | 'keep-worker';
  samples: MemorySample[];
  growthGenerations: number | null;
  growthSwitches: number | null;
  /**
   * After the switches and 20 more generations on the model they ended on, against after 20
   * generations: the same model in the same state, so transient load and warm-up memory is not counted.
   */
  growthSwitchesSettled: number | null;
  /**
   * After 2 switches (back on fp32, q8's kernels used once) against after 10, both read right after a
   * switch: whether memory creeps per switch, apart from the one-time cost of a second model's kernels.
   */
  afterTwoSwitches: MemorySample | null;
  growthSwitches2to10: number | null;
  /** The same growth in `measureUserAgentSpecificMemory` (JS and WASM heaps of the page and its workers). */
  uaGrowthSwitches: number | null;
  /** Worker restart per switch (bridge `engine-restarted`), ms. */
  restartMs: number[];
  /** Whole switch (restart + load from cache, warm-up included), ms. */
  switchMs: number[];
  /** The engine's own load time (LoadResult.loadMs) and its warm-up part, per switch, ms. */
  loadMs: number[];
  warmupMs: number[];
}

export interface SwitchMemoryMeasure {
  variants: SwitchMemoryVariant[];
}

interface RuntimeWindow {
  __typewriter: {
    bridge: {
      load(spec: ModelSpec): Promise<{ ok: boolean; result?: { loadMs: number; warmup?: { ms: number } } }>;
      generate(request: GenerateRequest): Promise<{ reason: string }>;
    };
    store: { getState(): { model: { restartMs: number | null } } };
  };
}

async function uaMemoryMb(page: PipePage): Promise<number | null> {
  return page.evaluate(async () => {
    const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
    if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return null;
    try {
      return (await p.measureUserAgentSpecificMemory()).bytes / 1e6;
    } catch {
      return null;
    }
  }, undefined);
}

async function switchVariant(
  origin: string,
  variant: SwitchMemoryVariant['variant'],
  tokens: number,
): Promise<SwitchMemoryVariant> {
  // A real profile, as a user's: a restarted worker gets ORT's compiled code from V8's code cache
  // (a Playwright context has none, so every restart there compiled the 27 MB module again). Driven
  // over a raw DevTools pipe: under Playwright, DevTools keeps every fetched model file (see cdp-pipe.ts).
  const browser = await launchPipeProfile();
  const fp32: ModelSpec = { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'wasm' };
  const q8: ModelSpec = { ...fp32, dtype: 'q8' };
  try {
    const page = await browser.open(
      origin + (variant === 'restart' ? '/?harness&restart-worker&debug' : '/?harness&debug'),
    );
    await page.waitFor(() => Boolean((window as unknown as Partial<RuntimeWindow>).__typewriter?.bridge));
    const load = (spec: ModelSpec) =>
      page.evaluate(async (s) => {
        const w = window as unknown as RuntimeWindow;
        const started = performance.now();
        const outcome = await w.__typewriter.bridge.load(s);
        if (!outcome.ok || !outcome.result) throw new Error(`switch failed: ${JSON.stringify(outcome)}`);
        return {
          ms: performance.now() - started,
          loadMs: outcome.result.loadMs,
          warmupMs: outcome.result.warmup?.ms ?? 0,
          restartMs: w.__typewriter.store.getState().model.restartMs,
        };
      }, spec);
    const generate = (seed: number, maxTokens: number) =>
      page.evaluate((r) => (window as unknown as RuntimeWindow).__typewriter.bridge.generate(r), {
        prompt: 'Once upon a time',
        maxTokens,
        temperature: 0.8,
        seed,
      } satisfies GenerateRequest);
    const sample = async (label: string): Promise<MemorySample> => {
      // One settled reading swung ±10% between two samples with nothing running in between (the
      // allocator returns pages on its own schedule), which hid a 5% goal: take the median of three.
      const readings: number[] = [];
      for (let i = 0; i < 3; i++)
        readings.push(((await settledRendererRssBytes(() => page.collectGarbageEverywhere())) ?? NaN) / 1e6);
      const finite = readings.filter(Number.isFinite).sort((a, b) => a - b);
      const rssRangeMb: [number, number] | null = finite.length > 0 ? [finite[0] ?? NaN, finite.at(-1) ?? NaN] : null;
      const jsHeapMb = (await page.jsHeapBytes()) / 1e6;
      return { label, rssMb: median(finite), rssRangeMb, jsHeapMb, uaMemoryMb: await uaMemoryMb(page) };
    };
    await load(fp32);
    await generate(1, tokens);
    const samples = [await sample('after 1 generation')];
    for (let i = 2; i <= 20; i++) await generate(i, tokens);
    samples.push(await sample('after 20 generations'));
    const out: SwitchMemoryVariant = {
      variant,
      samples,
      growthGenerations: null,
      growthSwitches: null,
      growthSwitchesSettled: null,
      afterTwoSwitches: null,
      growthSwitches2to10: null,
      uaGrowthSwitches: null,
      restartMs: [],
      switchMs: [],
      loadMs: [],
      warmupMs: [],
    };
    for (let i = 0; i < 10; i++) {
      const sw = await load(i % 2 === 0 ? q8 : fp32);
      out.switchMs.push(sw.ms);
      out.loadMs.push(sw.loadMs);
      out.warmupMs.push(sw.warmupMs);
      if (variant === 'restart' && sw.restartMs !== null) out.restartMs.push(sw.restartMs);
      await generate(100 + i, 8);
      if (i === 1) out.afterTwoSwitches = await sample('after 2 model switches');
    }
    samples.push(await sample('after 10 model switches'));
    // Like for like with "after 20 generations": the same model, 20 generations after its load.
    for (let i = 1; i <= 20; i++) await generate(200 + i, tokens);
    samples.push(await sample('after 10 switches and 20 generations'));
    const [one, twenty, switched, settled] = samples;
    const grow = (a?: MemorySample, b?: MemorySample) =>
      a?.rssMb && b?.rssMb && Number.isFinite(a.rssMb) ? b.rssMb / a.rssMb - 1 : null;
    out.growthGenerations = grow(one, twenty);
    out.growthSwitches = grow(twenty, switched);
    out.growthSwitchesSettled = grow(twenty, settled);
    out.growthSwitches2to10 = grow(out.afterTwoSwitches ?? undefined, switched);
    out.uaGrowthSwitches =
      twenty?.uaMemoryMb && switched?.uaMemoryMb ? switched.uaMemoryMb / twenty.uaMemoryMb - 1 : null;
    return out;
  } finally {
    await browser.close();
  }
}

/**
 * Through the page's bridge, as the app switches: 20 generations, then 10 switches (fp32 ↔ q8),
 * once with the default (one worker) and once with `?restart-worker` (a fresh worker per switch), side by side.
 */
export async function runSwitchMemory(
  origin: string,
  tokens: number,
  log: (line: string) => void,
  which: readonly SwitchMemoryVariant['variant'][] = ['keep-worker', 'restart'],
): Promise<SwitchMemoryMeasure> {
  const variants: SwitchMemoryVariant[] = [];
  for (const variant of which) {
    const v = await switchVariant(origin, variant, tokens);
    variants.push(v);
    log(
      `memory (${variant}): RSS ${v.samples.map((s) => (s.rssMb ?? NaN).toFixed(0)).join(' -> ')} MB; ` +
        `UA ${v.samples.map((s) => (s.uaMemoryMb ?? NaN).toFixed(0)).join(' -> ')} MB; ` +
        `switch ${median(v.switchMs).toFixed(0)} ms (restart ${median(v.restartMs).toFixed(0)}, ` +
        `load ${median(v.loadMs).toFixed(0)}, warm-up ${median(v.warmupMs).toFixed(0)} ms)`,
    );
  }
  return { variants };
}
