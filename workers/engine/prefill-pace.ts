/**
 * How many tokens one prefill chunk may take by time. The worker answers the page's heartbeat and
 * reads a Stop only between passes, and the heartbeat calls a worker silent past 30 s hung
 * (src/engine/worker-health.ts): a one-pass prefill of 1,934 tokens on the SmolLM2-135M-shaped fp32
 * export on this 2-core machine outlasted it, so the worker was restarted in the middle of a healthy
 * prefill. Chunks bounded by memory alone (kv-cache.ts) are not enough: a model ten times bigger
 * takes ten times longer over the same chunk. So each chunk aims at `CHUNK_MS`, from the pace of
 * the model's last prompt-sized pass.
 */
export const CHUNK_MS = 1000;
/** Chunk when no pace is known yet (a model's first prompt-sized pass): one second on a 135M model in fp32 here. */
export const FIRST_CHUNK = 64;
/** Passes shorter than this measure their fixed cost (the KV copies, the logits) more than the tokens. */
export const MIN_MEASURED = 16;
const MIN_TIMED_CHUNK = 8;

/** Milliseconds per token of each model's last measured pass; shared by its caches (warm-up, chat). */
const paces = new WeakMap<object, number>();

export function recordPrefillPass(model: object, tokens: number, ms: number): void {
  if (tokens >= MIN_MEASURED && ms > 0) paces.set(model, ms / tokens);
}

/**
 * Tokens per chunk that should take about `CHUNK_MS`, as the nearest power of two (so 0.7–1.4 s). The
 * latest pass is the estimate (not an average): a pass costs more the longer the context, so the last
 * one, at the deepest context, predicts the next best. Powers of two keep the input shapes few (a new
 * shape can mean new shaders on WebGPU). Nearest rather than below: on WASM each pass also copies the
 * whole KV cache in and out, ~90 ms at 1,500 tokens on the 135M-shaped fp32 export, and chunks of half
 * the size made its 1,934-token prefill 18% slower (29.5 s against 25 s).
 */
export function timedChunk(model: object): number {
  const msPerToken = paces.get(model);
  if (msPerToken === undefined) return FIRST_CHUNK;
  const fit = CHUNK_MS / msPerToken;
  return fit <= MIN_TIMED_CHUNK ? MIN_TIMED_CHUNK : 2 ** Math.round(Math.log2(fit));
}
