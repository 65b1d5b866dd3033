import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { KvCache } from './kv-cache';
import { Sampler } from './sampler';

/**
 * Decode passes during load, behind the progress bar's "Warming up", so the user's first answer
 * runs as fast as the fifth. A single pass is not enough: WebAssembly functions tier up from
 * Liftoff to TurboFan only after they have run a while, the decode loop's JS (sampler, tokenizer
 * decode, tensor setup) is cold, and the allocator grows with the KV cache. The passes run the
 * same code path as a real answer, and stop once the per-pass time has settled.
 */
export interface WarmupOptions {
  /** Stop after this long even if passes are still getting faster. */
  budgetMs: number;
  /** Passes per timing window; warm when a window's median is within `settle` of the previous one. */
  window: number;
  settle: number;
  minPasses: number;
  maxPasses: number;
  /** Restart the sequence after this many passes, keeping the KV cache small (and warming prefill again). */
  sequenceLength: number;
}

export const DEFAULT_WARMUP: WarmupOptions = {
  budgetMs: 4000,
  window: 8,
  settle: 0.1,
  minPasses: 192,
  maxPasses: 768,
  sequenceLength: 128,
};

export interface WarmupReport {
  passes: number;
  ms: number;
  /** Median ms per pass in the first and the last window. */
  firstWindowMs: number;
  lastWindowMs: number;
  /**
   * The fastest window's median; on a device too slow to finish one window within the budget
   * (SwiftShader WebGPU compiling shaders), the median of the passes that did run, so callers
   * still learn how slow a pass is.
   */
  bestWindowMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

export async function warmUpDecode(
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  signal: AbortSignal,
  options: WarmupOptions = DEFAULT_WARMUP,
): Promise<WarmupReport> {
  const started = performance.now();
  const sampler = new Sampler({ temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: 1 });
  const prompt = tokenizer.encode('Warm up the engine with a short story about a lighthouse keeper.');
  const times: number[] = [];
  let previousWindow = Infinity;
  let firstWindowMs = NaN;
  let lastWindowMs = NaN;
  let bestWindowMs = NaN;
  let session = new KvCache(model);
  let feed: number[] = prompt.length > 0 ? prompt : [0];
  let seen = new Set<number>(feed);
  let ids: number[] = [];
  try {
    for (let pass = 0; pass < options.maxPasses && !signal.aborted; pass++) {
      if (ids.length >= options.sequenceLength) {
        await session.dispose();
        session = new KvCache(model);
        feed = prompt.length > 0 ? prompt : [0];
        seen = new Set(feed);
        ids = [];
      }
      const passStarted = performance.now();
      const logits = (await session.feed(feed)).at(-1);
      if (!logits) break;
      const id = sampler.sample(logits, seen);
      seen.add(id);
      ids.push(id);
      tokenizer.decode(ids.slice(-8), { skip_special_tokens: true });
      if (feed.length === 1) times.push(performance.now() - passStarted);
      feed = [id];
      if (times.length > 0 && times.length % options.window === 0) {
        const current = median(times.slice(-options.window));
        if (Number.isNaN(firstWindowMs)) firstWindowMs = current;
        lastWindowMs = current;
        if (!(current >= bestWindowMs)) bestWindowMs = current;
        const settled = current >= previousWindow * (1 - options.settle);
        if (settled && pass + 1 >= options.minPasses) break;
        previousWindow = Math.min(previousWindow, current);
      }
      if (performance.now() - started > options.budgetMs) break;
    }
  } finally {
    await session.dispose();
  }
  if (Number.isNaN(bestWindowMs)) bestWindowMs = median(times);
  return { passes: times.length, ms: performance.now() - started, firstWindowMs, lastWindowMs, bestWindowMs };
}
