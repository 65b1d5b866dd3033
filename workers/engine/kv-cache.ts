import { DynamicCache, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { emptyCacheForSymbolicHeadDim } from './empty-cache';
import { FeedStopped } from './feed-stopped';
import { tensorBytes, truncateTensors } from './kv-truncate';
import { recordPrefillPass, timedChunk } from './prefill-pace';

/**
 * A decoder's KV cache together with the exact token ids it holds. It outlives one generation:
 * the engine keeps it so the next request prefills only what differs (prefix reuse), and cuts
 * it back to a common prefix for Regenerate, an edited message or rejected draft tokens.
 *
 * We call `model.forward` directly (not `generate()`) so the decode loop can pause between
 * passes, wait for the reader, and sample with its own seeded sampler.
 */
/**
 * What the cache's work costs, for the engine's status and the bench: forward passes (each prefill
 * chunk is one) and their time, and rollback cuts and theirs.
 */
export interface CacheCounters {
  forwardPasses: number;
  forwardMs: number;
  kvTruncations: number;
  kvTruncateMs: number;
}

/** Logits bytes one prefill pass may make, and the bounds on its tokens (see `KvCache.memoryChunk`). */
const PREFILL_LOGITS_BYTES = 64 * 2 ** 20;
const MAX_PREFILL_CHUNK = 512;
const MIN_PREFILL_CHUNK = 32;

export class KvCache {
  private cache: DynamicCache | null = null;
  private held: number[] = [];
  private sessionHasLogitsToKeep: boolean | null = null;

  constructor(
    readonly model: PreTrainedModel,
    private readonly counters: CacheCounters = { forwardPasses: 0, forwardMs: 0, kvTruncations: 0, kvTruncateMs: 0 },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The ids whose keys and values are in the cache, in order. */
  get ids(): readonly number[] {
    return this.held;
  }

  get length(): number {
    return this.held.length;
  }

  /**
   * Feeds `ids` after everything held; returns the logits of the last `rows` positions,
   * oldest first (rows > 1 verifies speculative drafts in one pass). A long feed (a prompt's
   * prefill) runs in chunks of `prefillChunk()` tokens, whose logits nobody reads; `betweenChunks`
   * runs after each but the last, and returning true ends the feed with `FeedStopped`.
   */
  async feed(ids: readonly number[], rows = 1, betweenChunks?: () => Promise<boolean>): Promise<Float32Array[]> {
    // A decode pass (one token, or a draft to verify) is never chunked: skip sizing on the per-token path.
    if (ids.length <= rows) return this.pass(ids, rows);
    let start = 0;
    // Sized before each chunk: the pace of the one before is the best guess at the next.
    for (;;) {
      const chunk = Math.max(this.prefillChunk(), rows);
      if (ids.length - start <= chunk) break;
      await this.pass(ids.slice(start, start + chunk), 0);
      start += chunk;
      // What is cached stays consistent: `ids` holds exactly the chunks fed so far.
      if (betweenChunks && (await betweenChunks())) throw new FeedStopped(start);
    }
    return this.pass(start === 0 ? ids : ids.slice(start), rows);
  }

  /**
   * Tokens per prefill pass: the fewer of what memory allows and what takes about a second
   * (prefill-pace.ts). One pass over a whole prompt makes seq × vocab logits (graphs without
   * `num_logits_to_keep`) and heads × seq × context attention scores at once; a 1,934-token prompt on
   * the SmolLM2-135M-shaped fp32 export (380 MB of logits) took the WASM engine past the heartbeat's limit.
   */
  prefillChunk(): number {
    return Math.min(this.memoryChunk(), timedChunk(this.model));
  }

  /** At most 64 MB of logits a pass, within 32 and 512 tokens; 512 where the graph keeps only the rows read. */
  memoryChunk(): number {
    if (this.logitsToKeepSupported()) return MAX_PREFILL_CHUNK;
    const vocab = Number((this.model.config as { vocab_size?: unknown }).vocab_size) || 0;
    const fit = vocab > 0 ? Math.floor(PREFILL_LOGITS_BYTES / (vocab * 4)) : MAX_PREFILL_CHUNK;
    return Math.max(MIN_PREFILL_CHUNK, Math.min(MAX_PREFILL_CHUNK, fit));
  }

  /** One forward pass: `ids` after everything held, the logits of the last `rows` positions. */
  private async pass(ids: readonly number[], rows: number): Promise<Float32Array[]> {
    const total = this.held.length + ids.length;
    const inputs: Record<string, unknown> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    };
    // Graphs with a symbolic KV head size need an empty cache built from config.json (see empty-cache.ts).
    const past = this.cache ?? emptyCacheForSymbolicHeadDim(this.model);
    if (past) inputs.past_key_values = past;
    // Graphs that can skip logits nobody reads (a long prefill would otherwise make seq × vocab floats).
    if (this.logitsToKeepSupported()) inputs.num_logits_to_keep = new Tensor('int64', [BigInt(Math.max(1, rows))], []);
    const started = this.now();
    const outputs = (await this.model.forward(inputs)) as Record<string, Tensor>;
    const ms = this.now() - started;
    recordPrefillPass(this.model, ids.length, ms);
    this.counters.forwardPasses++;
    this.counters.forwardMs += ms;

    const present: Record<string, Tensor> = {};
    for (const name in outputs) {
      if (name.startsWith('present')) present[name.replace('present', 'past_key_values')] = outputs[name] as Tensor;
    }
    if (this.cache) this.cache.update(present);
    else this.cache = new DynamicCache(present);
    this.held.push(...ids);

    const out: Float32Array[] = [];
    if (rows === 0) return out;
    const logits = outputs.logits as Tensor;
    const [, seq = 1, vocab = 0] = logits.dims;
    const floats = (logits.type === 'float32' ? logits : logits.to('float32')).data as Float32Array;
    // Copies: the sampler edits them, and the tensor's buffer may be reused.
    for (let r = Math.max(0, seq - rows); r < seq; r++) out.push(floats.slice(r * vocab, (r + 1) * vocab));
    return out;
  }

  /** Drops every position from `length` on (a no-op when nothing is past it). */
  async truncate(length: number): Promise<void> {
    if (length >= this.held.length) return;
    if (length <= 0 || !this.cache) {
      await this.dispose();
      return;
    }
    const started = performance.now();
    const cut = await truncateTensors(this.tensors(), length);
    // `update` disposes the GPU tensors it replaces; CPU ones are garbage once dropped.
    this.cache.update(cut);
    this.held.length = length;
    this.counters.kvTruncations++;
    this.counters.kvTruncateMs += performance.now() - started;
  }

  /** Bytes held by the keys and values. */
  bytes(): number {
    let total = 0;
    for (const t of Object.values(this.tensors())) total += tensorBytes(t);
    return total;
  }

  location(): 'cpu' | 'gpu-buffer' {
    const first = Object.values(this.tensors())[0];
    return first?.location === 'gpu-buffer' ? 'gpu-buffer' : 'cpu';
  }

  async dispose(): Promise<void> {
    const cache = this.cache;
    this.cache = null;
    this.held = [];
    await cache?.dispose();
  }

  private tensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    if (!this.cache) return out;
    for (const [name, value] of Object.entries(this.cache)) {
      if (name.startsWith('past_key_values') && value instanceof Tensor) out[name] = value;
    }
    return out;
  }

  private logitsToKeepSupported(): boolean {
    if (this.sessionHasLogitsToKeep === null) {
      const sessions = (this.model as unknown as { sessions?: Record<string, { inputNames?: string[] }> }).sessions;
      const session = sessions?.['model'] ?? sessions?.['decoder_model_merged'];
      this.sessionHasLogitsToKeep = session?.inputNames?.includes('num_logits_to_keep') ?? false;
    }
    return this.sessionHasLogitsToKeep;
  }
}
