import type { Browser } from '@playwright/test';
import type { AdapterInfo, GenerateRequest } from '../../workers/protocol';
import { newContext } from '../browser';
import { loadModel, openHarness, runOurs, runPeer, unloadModel } from '../harness';
import { specFor, type BenchModel } from '../models';
import type { BenchServer } from '../server';
import { median } from '../stats';
import { measureBandwidth } from './roofline';

export interface BackendConfig {
  /** e.g. `wasm-1t`, `wasm-2t`, `webgpu`. */
  name: string;
  backend: 'wasm' | 'webgpu';
  threads?: number;
  browser: Browser;
}

export interface LoadMeasure {
  coldMs: number;
  /** Second load in the same page after unload: models come from the HTTP cache (see modelBytesFetched). */
  warmMs: number;
  coldModelBytesFetched: number;
  warmModelBytesFetched: number;
}

export interface SpeedMeasure {
  config: string;
  model: string;
  threads: number;
  adapter: AdapterInfo | null;
  load: LoadMeasure;
  tokens: number;
  runs: number;
  ours: { ttftMs: number; prefillTokPerS: number; decodeTokPerS: number; readerTokPerS: number };
  peer: { ttftMs: number; decodeTokPerS: number };
  /** ours ÷ peer decode tok/s, medians of interleaved runs. */
  peerRatio: number;
  oursRuns: number[];
  peerRuns: number[];
  roofline: { bandwidthGBps: number; weightBytes: number; fraction: number } | null;
}

export const SPEED_PROMPT = 'Write a long story about a lighthouse keeper who finds a message in a bottle.';

/**
 * Load, speed, peer comparison and roofline for each model on one backend config,
 * in one page (ORT's thread count is fixed per worker at its first load). Our engine
 * and transformers.js generate() alternate on the same loaded model and request.
 */
export async function runBackend(
  config: BackendConfig,
  models: readonly BenchModel[],
  server: BenchServer,
  tokensFor: (m: BenchModel) => number,
  pairs: number,
  log: (line: string) => void,
): Promise<SpeedMeasure[]> {
  const context = await newContext(config.browser, server.origin);
  const results: SpeedMeasure[] = [];
  try {
    const page = await openHarness(context);
    for (const m of models) {
      if (config.backend === 'webgpu' && !m.webgpu) continue;
      const spec = specFor(m, config.backend, config.threads);
      server.resetCounters();
      const cold = await loadModel(page, spec);
      const coldBytes = server.bytesSent().models + (m.name === 'demo' ? server.bytesSent().app : 0);
      await unloadModel(page);
      server.resetCounters();
      const warm = await loadModel(page, spec);
      const warmBytes = server.bytesSent().models + (m.name === 'demo' ? server.bytesSent().app : 0);
      log(`${config.name} ${m.label}: load cold ${cold.wallMs.toFixed(0)} ms, second ${warm.wallMs.toFixed(0)} ms`);

      const tokens = tokensFor(m);
      const request: GenerateRequest = {
        prompt: SPEED_PROMPT,
        maxTokens: tokens,
        temperature: 0,
        repetitionPenalty: 1,
      };
      // One unmeasured run each: first-call allocations and JIT would otherwise favour whoever goes second.
      await runOurs(page, { ...request, maxTokens: Math.min(tokens, 8) });
      await runPeer(page, { ...request, maxTokens: Math.min(tokens, 8) });
      const ours: Awaited<ReturnType<typeof runOurs>>[] = [];
      const peer: Awaited<ReturnType<typeof runPeer>>[] = [];
      for (let i = 0; i < pairs; i++) {
        ours.push(await runOurs(page, request));
        peer.push(await runPeer(page, request));
      }
      const oursRuns = ours.map((r) => r.stats.averageDecodeTokPerS ?? NaN);
      const peerRuns = peer.map((r) => r.decodeTokPerS);
      const decode = median(oursRuns);
      let roofline: SpeedMeasure['roofline'] = null;
      if (config.backend === 'wasm') {
        const bandwidthGBps = await measureBandwidth(page);
        roofline = {
          bandwidthGBps,
          weightBytes: m.weightBytes,
          fraction: (decode * m.weightBytes) / (bandwidthGBps * 1e9),
        };
      }
      results.push({
        config: config.name,
        model: m.label,
        threads: warm.result.threads,
        adapter: warm.result.adapter,
        load: {
          coldMs: cold.wallMs,
          warmMs: warm.wallMs,
          coldModelBytesFetched: coldBytes,
          warmModelBytesFetched: warmBytes,
        },
        tokens,
        runs: pairs,
        ours: {
          ttftMs: median(ours.map((r) => r.stats.ttftMs ?? NaN)),
          prefillTokPerS: median(ours.map((r) => r.stats.prefillTokPerS ?? NaN)),
          decodeTokPerS: decode,
          readerTokPerS: median(ours.map((r) => r.readerTokPerS)),
        },
        peer: { ttftMs: median(peer.map((r) => r.ttftMs)), decodeTokPerS: median(peerRuns) },
        peerRatio: decode / median(peerRuns),
        oursRuns,
        peerRuns,
        roofline,
      });
      const r = results.at(-1);
      log(
        `${config.name} ${m.label}: ours ${decode.toFixed(1)} tok/s, peer ${median(peerRuns).toFixed(1)} tok/s, ratio ${r?.peerRatio.toFixed(3)}` +
          (roofline
            ? `, roofline ${(roofline.fraction * 100).toFixed(0)}% of ${roofline.bandwidthGBps.toFixed(1)} GB/s`
            : ''),
      );
      await unloadModel(page);
    }
  } finally {
    await context.close();
  }
  return results;
}
