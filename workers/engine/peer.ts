import { Tensor, TextStreamer } from '@huggingface/transformers';
import type { PeerRunResult } from '../protocol';
import { emptyCacheForSymbolicHeadDim } from './empty-cache';
import type { Counters } from './generation';
import type { LoadedModel } from './loader';

/**
 * The standard way: transformers.js `generate()` with a `TextStreamer`, as the
 * official WebGPU chat examples do. Used as the reference for token-exact tests
 * and as the peer in benchmarks, on the same loaded model.
 */
export async function runPeerGeneration(
  loaded: LoadedModel,
  promptIds: number[],
  maxTokens: number,
  repetitionPenalty: number,
  counters: Counters,
): Promise<PeerRunResult> {
  const { model, tokenizer } = loaded;
  const tokenTimes: number[] = [];
  let text = '';
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (piece: string) => {
      text += piece;
    },
    token_callback_function: () => {
      tokenTimes.push(performance.now());
    },
  });
  // Time the peer's forward passes the same way as ours, to separate model time from overhead.
  const forward = model.forward.bind(model);
  model.forward = async (inputs: Record<string, unknown>) => {
    const t = performance.now();
    try {
      return await forward(inputs);
    } finally {
      counters.forwardMs += performance.now() - t;
    }
  };
  const symbolicCache = emptyCacheForSymbolicHeadDim(model);
  const started = performance.now();
  let output: Tensor;
  try {
    output = (await model.generate({
      inputs: new Tensor('int64', BigInt64Array.from(promptIds, BigInt), [1, promptIds.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), [1, promptIds.length]),
      // The one departure from stock generate(): a graph with a symbolic KV head size needs the same empty cache.
      ...(symbolicCache ? { past_key_values: symbolicCache } : {}),
      max_new_tokens: maxTokens,
      do_sample: false,
      repetition_penalty: repetitionPenalty,
      streamer,
    })) as Tensor;
  } finally {
    // Drop the timing wrapper: the prototype's forward shows through again.
    delete (model as { forward?: unknown }).forward;
  }
  const totalMs = performance.now() - started;
  counters.forwardPasses += tokenTimes.length;
  const all = Array.from(output.data as BigInt64Array, Number);
  const first = tokenTimes[0] ?? started;
  const last = tokenTimes.at(-1) ?? first;
  return {
    tokenIds: all.slice(promptIds.length),
    text,
    ttftMs: first - started,
    decodeTokPerS: tokenTimes.length > 1 ? ((tokenTimes.length - 1) * 1000) / (last - first) : 0,
    totalMs,
  };
}
