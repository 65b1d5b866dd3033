import type { Browser, Page } from '@playwright/test';
import { newContext } from '../browser';
import { loadModel, openHarness, runOurs } from '../harness';
import type { BenchServer } from '../server';
import { median } from '../stats';
import { runInUi, type UiRun } from '../ui';

export const UI_PROMPT = 'Tell me a long story about a lighthouse.';

export interface PipelineMeasure {
  tokens: number;
  runs: number;
  backend: string;
  threads: number;
  /** Rendered-in-DOM tok/s in the real app (median). */
  uiDomTokPerS: number;
  /** The engine's own decode rate during those UI runs. */
  uiEngineTokPerS: number;
  /** Raw rate: the same request on the harness page, the stream drained with no UI work. */
  rawTokPerS: number;
  /** uiDomTokPerS ÷ rawTokPerS: the target is ≥ 0.98. */
  efficiency: number;
  /** uiDomTokPerS ÷ uiEngineTokPerS: does the DOM keep up with what the engine produced in the same run? */
  domVsSameRunEngine: number;
  uiRuns: number[];
  rawRuns: number[];
}

/**
 * Real UI vs raw stream, interleaved (raw, UI, raw, UI...) on the bundled model with the
 * UI's own model spec (auto backend, default threads) and the same chat messages.
 */
export async function runPipeline(
  browser: Browser,
  server: BenchServer,
  tokens: number,
  pairs: number,
  log: (line: string) => void,
): Promise<PipelineMeasure> {
  const context = await newContext(browser, server.origin);
  try {
    const harness: Page = await openHarness(context);
    const uiRuns: UiRun[] = [];
    const raw: number[] = [];
    let loaded = false;
    for (let i = 0; i < pairs; i++) {
      const ui = await runInUi(browser, server.origin, tokens, UI_PROMPT);
      uiRuns.push(ui);
      if (!loaded) {
        // The spec the app itself loads (bundledSpec('auto')), so backend and threads match.
        await loadModel(harness, { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'auto' });
        loaded = true;
      }
      const messages = [
        { role: 'system' as const, content: ui.systemPrompt },
        { role: 'user' as const, content: UI_PROMPT },
      ];
      const ours = await runOurs(harness, { messages, maxTokens: tokens, temperature: 0, repetitionPenalty: 1 });
      raw.push(ours.readerTokPerS);
      log(
        `pipeline run ${i + 1}: UI DOM ${ui.domTokPerS.toFixed(1)} tok/s, raw ${ours.readerTokPerS.toFixed(1)} tok/s`,
      );
    }
    const uiDom = median(uiRuns.map((r) => r.domTokPerS));
    const uiEngine = median(uiRuns.map((r) => r.engine.averageDecodeTokPerS ?? NaN));
    const rawTokPerS = median(raw);
    const first = uiRuns[0];
    return {
      tokens,
      runs: pairs,
      backend: first?.model.backend ?? 'wasm',
      threads: first?.model.threads ?? 0,
      uiDomTokPerS: uiDom,
      uiEngineTokPerS: uiEngine,
      rawTokPerS,
      efficiency: uiDom / rawTokPerS,
      domVsSameRunEngine: uiDom / uiEngine,
      uiRuns: uiRuns.map((r) => r.domTokPerS),
      rawRuns: raw,
    };
  } finally {
    await context.close();
  }
}
