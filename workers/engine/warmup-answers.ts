import type { GenerateRequest, LoadResult, StreamEvent } from '../protocol';

/**
 * After the decode passes of `warmUpDecode` (ORT's kernels past WebAssembly tier-up), the first real
 * answers still ran 3-5x more CPU per token than the fifth (`npm run bench:page`, CPU ms/token): the
 * rest of a request's path (chat template, KV bookkeeping, sampler or argmax, stop matching, the
 * incremental decoder, the event channel) is JavaScript that V8 had not optimised yet. Short answers
 * through the engine's own `generate`, greedy and sampled, drained and discarded, warm exactly that.
 */
const SAMPLINGS: readonly Partial<GenerateRequest>[] = [
  { temperature: 0, speculative: 'off' },
  { temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: 1 },
  { temperature: 0, speculative: 'auto' },
];

export const WARMUP_ANSWERS: readonly GenerateRequest[] = SAMPLINGS.map((sampling) => ({
  messages: [{ role: 'user' as const, content: 'Warm up: write a short story about a lighthouse keeper.' }],
  maxTokens: 48,
  keepCacheMs: 0,
  statsIntervalMs: 250,
  ...sampling,
}));

export async function warmUpAnswers(
  generate: (request: GenerateRequest) => Promise<ReadableStream<StreamEvent>>,
  signal: AbortSignal,
  requests: readonly GenerateRequest[] = WARMUP_ANSWERS,
): Promise<number> {
  const started = performance.now();
  for (const request of requests) {
    if (signal.aborted) break;
    const reader = (await generate(request)).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || value.type === 'error') break;
    }
    reader.releaseLock();
  }
  return performance.now() - started;
}

/** The answers' time counts as load and warm-up time in what the load reports. */
export function addWarmupMs(info: LoadResult, ms: number): void {
  info.loadMs += ms;
  if (info.warmup) info.warmup.ms += ms;
  if (info.stepsMs) info.stepsMs.warmup += ms;
}
