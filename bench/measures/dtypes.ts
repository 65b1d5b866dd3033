import type { Browser, Page } from '@playwright/test';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPE_SUFFIX } from '../../workers/engine/backend';
import type { Dtype, GenerateRequest, ModelSpec, Q4RewriteMode } from '../../workers/protocol';
import { newContext, rendererRssBytes } from '../browser';
import { loadModel, openHarness, runOurs } from '../harness';
import { MODELS_DIR } from '../models';
import type { BenchServer } from '../server';
import { median } from '../stats';

/** One replica form and one dtype file of it, as the Hub serves it. */
export interface DtypeForm {
  /** The replica folder in bench/models, e.g. `smollm2-135m-optimum`. */
  replica: string;
  dtype: Dtype;
  /** q4 on WASM: how the engine unpacks the 4-bit weights at load (unset: its default). */
  q4Rewrite?: Q4RewriteMode;
}

export interface DtypeMeasure {
  config: string;
  backend: 'wasm' | 'webgpu';
  threads: number;
  replica: string;
  dtype: Dtype;
  q4Rewrite?: Q4RewriteMode;
  /** What the load reported: MatMulNBits nodes unpacked and the ms it took (0 and NaN when none). */
  rewrittenNodes: number;
  rewriteMs: number;
  /** The dense type the weights were unpacked to (auto picks fp32 where it fits). */
  rewriteDense?: 'fp16' | 'fp32';
  /** Weight bytes on disk (the .onnx file plus any external data). */
  fileBytes: number;
  /** The WebGPU adapter is SwiftShader (a CPU rasterizer): its speeds say nothing about a GPU. */
  swiftShader: boolean;
  /** Set when the engine refused or failed the load; the other figures are then NaN. */
  error: string | null;
  loadMs: number;
  /** Renderer RSS growth from before the load to its peak during load and the first generation. */
  peakBytes: number;
  decodeTokPerS: number;
  decodeMin: number;
  decodeMax: number;
  prefillTokPerS: number;
  prefillMin: number;
  prefillMax: number;
  tokens: number;
  runs: number;
}

// About 120 tokens, so prefill tok/s measures a real prompt rather than a handful of tokens.
const PROMPT =
  'The keeper of the northern lighthouse kept a log of every ship that passed, every storm that broke against the ' +
  'rocks and every bird that rested on the gallery rail. One winter morning he found a bottle wedged between two ' +
  'stones below the tower. Inside was a letter written in a careful hand, addressed to nobody in particular, asking ' +
  'whoever found it to write back and say what the sea looked like from where they stood. He read it twice, then ' +
  'climbed the stairs, sat by the lamp and began to write his answer.';

function fileBytes(replica: string, dtype: Dtype): number {
  const onnx = join(MODELS_DIR, replica, `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`);
  if (!existsSync(onnx)) throw new Error(`${onnx} is missing: the bench generates ${replica} first.`);
  let bytes = statSync(onnx).size;
  for (const suffix of ['_data', '_data_1', '_data_2']) {
    if (existsSync(`${onnx}${suffix}`)) bytes += statSync(`${onnx}${suffix}`).size;
  }
  return bytes;
}

/** Samples the renderer's RSS every 100 ms while `run` runs; returns the peak above the level before it. */
async function peakGrowth<T>(run: () => Promise<T>): Promise<{ value: T; peakBytes: number }> {
  const before = rendererRssBytes() ?? NaN;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rendererRssBytes() ?? NaN);
  }, 100);
  try {
    const value = await run();
    peak = Math.max(peak, rendererRssBytes() ?? NaN);
    return { value, peakBytes: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Every dtype form on one backend config, interleaved: each form gets its own page (its own
 * worker and ORT session, all loaded at once), then the rounds run form by form, so machine
 * noise spreads evenly over the forms rather than landing on whichever ran last. Loads run one
 * at a time so each one's memory peak is its own.
 */
export async function runDtypes(
  browser: Browser,
  config: { name: string; backend: 'wasm' | 'webgpu'; threads?: number },
  forms: readonly DtypeForm[],
  server: BenchServer,
  options: { tokens: number; rounds: number },
  log: (line: string) => void,
): Promise<DtypeMeasure[]> {
  const context = await newContext(browser, server.origin);
  const request: GenerateRequest = {
    prompt: PROMPT,
    maxTokens: options.tokens,
    temperature: 0,
    repetitionPenalty: 1,
    // Each run a fresh prefill and plain decode: no kept cache, no speculation.
    keepCacheMs: 0,
    speculative: 'off',
  };
  const loaded: { form: DtypeForm; page: Page; measure: DtypeMeasure }[] = [];
  const results: DtypeMeasure[] = [];
  try {
    for (const form of forms) {
      const measure: DtypeMeasure = {
        config: config.name,
        backend: config.backend,
        threads: config.threads ?? 1,
        replica: form.replica,
        dtype: form.dtype,
        ...(form.q4Rewrite && { q4Rewrite: form.q4Rewrite }),
        rewrittenNodes: 0,
        rewriteMs: NaN,
        fileBytes: fileBytes(form.replica, form.dtype),
        swiftShader: false,
        error: null,
        loadMs: NaN,
        peakBytes: NaN,
        decodeTokPerS: NaN,
        decodeMin: NaN,
        decodeMax: NaN,
        prefillTokPerS: NaN,
        prefillMin: NaN,
        prefillMax: NaN,
        tokens: options.tokens,
        runs: 0,
      };
      results.push(measure);
      const page = await openHarness(context);
      const spec: ModelSpec = {
        source: { kind: 'url', url: `/bench-models/${form.replica}/` },
        dtype: form.dtype,
        backend: config.backend,
        ...(config.threads ? { threads: config.threads } : {}),
        ...(form.q4Rewrite && { q4Rewrite: form.q4Rewrite }),
      };
      try {
        const { value, peakBytes } = await peakGrowth(async () => {
          const load = await loadModel(page, spec);
          await runOurs(page, { ...request, maxTokens: 4 });
          return load;
        });
        measure.loadMs = value.wallMs;
        measure.peakBytes = peakBytes;
        measure.threads = value.result.threads;
        measure.swiftShader = /swiftshader/i.test(JSON.stringify(value.result.adapter ?? ''));
        measure.rewrittenNodes = value.result.q4Rewrite?.nodes ?? 0;
        measure.rewriteMs = value.result.q4Rewrite?.ms ?? NaN;
        if (value.result.q4Rewrite) measure.rewriteDense = value.result.q4Rewrite.dense;
        loaded.push({ form, page, measure });
        log(
          `${config.name} ${form.replica} ${form.dtype}${form.q4Rewrite ? ` (${form.q4Rewrite})` : ''}: loaded in ${value.wallMs.toFixed(0)} ms`,
        );
      } catch (error) {
        measure.error = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        log(`${config.name} ${form.replica} ${form.dtype}: ${measure.error}`);
        await page.close();
      }
    }
    const decode = new Map<DtypeMeasure, number[]>();
    const prefill = new Map<DtypeMeasure, number[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const { page, measure } of loaded) {
        const run = await runOurs(page, request);
        decode.set(measure, [...(decode.get(measure) ?? []), run.stats.averageDecodeTokPerS ?? NaN]);
        prefill.set(measure, [...(prefill.get(measure) ?? []), run.stats.prefillTokPerS ?? NaN]);
      }
      log(`${config.name}: round ${round + 1} of ${options.rounds} done`);
    }
    for (const { measure } of loaded) {
      const d = decode.get(measure) ?? [];
      const p = prefill.get(measure) ?? [];
      Object.assign(measure, {
        runs: d.length,
        decodeTokPerS: median(d),
        decodeMin: Math.min(...d),
        decodeMax: Math.max(...d),
        prefillTokPerS: median(p),
        prefillMin: Math.min(...p),
        prefillMax: Math.max(...p),
      });
      log(
        `${config.name} ${measure.replica} ${measure.dtype}: decode ${measure.decodeTokPerS.toFixed(1)} tok/s, prefill ${measure.prefillTokPerS.toFixed(0)} tok/s`,
      );
    }
  } finally {
    await context.close();
  }
  return results;
}
