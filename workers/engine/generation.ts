import type { CacheUse, FinishReason, GenerationStats } from '../protocol';
import type { RaceSignal } from '../../common/race-signal';
import { NgramDrafter } from './drafter';
import { GPU_LOST_NOTICE } from './gpu-loss';
import { EngineError, toEngineError } from './errors';
import type { TokenConstraint } from './grammar/constraint';
import type { EventChannel } from './event-channel';
import type { GenerationControl } from './generation-control';
import type { GenerationClock } from './generation-stats';
import { IncrementalDecoder } from './incremental-decoder';
import { FeedStopped } from './feed-stopped';
import { isOutOfMemory, outOfMemoryError } from './out-of-memory';
import type { CacheCounters, KvCache } from './kv-cache';
import type { LoadedModel } from './loader';
import { Sampler } from './sampler';
import type { SpeculationPolicy } from './speculation';
import { StopMatcher } from './stop-matcher';
import type { ValidatedRequest } from './validate';
import { yieldToEventLoop } from './yield';

/** The engine's counters; the cache counts its own passes into them (kv-cache.ts). */
export type Counters = CacheCounters;

/** Fails before any work when the prompt leaves no room to generate; returns the usable token budget. */
export function fitToContext(promptTokens: number, maxTokens: number, contextLength: number): number {
  if (promptTokens >= contextLength) {
    throw new EngineError(
      'ContextOverflow',
      `The prompt is ${promptTokens} tokens but the model's context holds ${contextLength}. Shorten the conversation or start a new chat.`,
    );
  }
  return Math.min(maxTokens, contextLength - promptTokens);
}

/** Everything one generation runs on: the cache (already cut to the reused prefix) and what to feed it. */
export interface GenerationResult {
  keep: boolean;
  text: string;
  tokenIds: number[];
  /** The run ended because the GPU device was lost: the model is unusable now. */
  gpuLost: boolean;
}

export interface GenerationPlan {
  cache: KvCache;
  promptIds: number[];
  /** The prompt suffix after the reused prefix. */
  feed: number[];
  use: CacheUse;
  maxTokens: number;
  /** Decides, pass by pass, how many tokens prompt-lookup speculation drafts (0: plain decoding). */
  speculation: SpeculationPolicy;
  speculative: 'auto' | 'on' | 'off';
  /** Structured output: masks each row before sampling (speculation is off under a grammar). */
  constraint?: TokenConstraint | null;
  /** Rejects when the GPU device is lost: each pass races it, so none hangs on a dead device. */
  interrupt?: RaceSignal;
  /** Whether a pass's failure was the GPU device going away: the run then ends with `GpuLost` and its ids. */
  isGpuLoss?: (error: unknown) => Promise<boolean>;
}

/**
 * The decode loop. Before every forward pass it waits for the pause gate and
 * for room in the stream; stop is checked after each pass, so at most the pass
 * in flight finishes after Stop and its tokens are discarded.
 *
 * With speculation a pass feeds the last token plus up to k drafted ones and samples every row;
 * the drafts the model agrees with are accepted, the first disagreement is replaced by the model's
 * own token, and the cache is cut back past the rejected drafts. Accepted tokens then go through
 * exactly the per-token path of plain decoding (EOS, stop sequences, max tokens, one event each),
 * so a stop sequence may end the run inside an accepted draft. Drafts are sized to the room left
 * in the stream, so backpressure holds as without speculation.
 *
 * Resolves with `keep` true when the cache is consistent (its ids are exactly what it holds) and
 * can be kept, and with the answer's text and ids.
 */
export async function runGeneration(
  loaded: LoadedModel,
  request: ValidatedRequest,
  plan: GenerationPlan,
  requestId: string,
  channel: EventChannel,
  control: GenerationControl,
  clock: GenerationClock,
): Promise<GenerationResult> {
  const { cache, promptIds, use, maxTokens, interrupt } = plan;
  const constraint = plan.constraint ?? null;
  const sampler = new Sampler(request);
  const decoder = new IncrementalDecoder((ids) =>
    loaded.tokenizer.decode(ids as number[], { skip_special_tokens: true, clean_up_tokenization_spaces: false }),
  );
  // Going on with an answer: its text so far was streamed by the run before, so only what follows is new.
  for (const id of request.continueIds) decoder.push(id);
  const matcher = new StopMatcher(request.stop);
  const policyInput = { temperature: request.temperature, speculative: plan.speculative };
  // Greedy only: with sampling the drafts would need the speculative-sampling acceptance rule.
  // Off under a grammar: drafts would have to be checked against the matcher token by token.
  const drafter =
    request.temperature === 0 && plan.speculative !== 'off' && !constraint ? new NgramDrafter(promptIds) : null;
  const seen = new Set(promptIds);
  const emitted: number[] = [];
  let text = '';
  let lastStatsAt = 0;
  let passes = 0;
  let drafted = 0;
  let accepted = 0;
  clock.prefillTokens = use.prefilledTokens;

  const stats = (): GenerationStats => ({
    ...clock.snapshot(),
    reusedTokens: use.reusedTokens,
    prefilledTokens: use.prefilledTokens,
    reuseMiss: use.reuseMiss,
    kvCacheBytes: cache.bytes(),
    forwardPasses: passes,
    draftedTokens: drafted,
    acceptedTokens: accepted,
    ...(constraint ? { grammarMs: constraint.maskMs } : {}),
  });
  const emitToken = (id: number, piece: string, index: number) => {
    text += piece;
    if (!loaded.eosTokenIds.has(id)) emitted.push(id);
    channel.send({ type: 'token', id, text: piece, index, timestamp: Date.now() });
  };
  const finish = (reason: FinishReason) => {
    channel.send({ type: 'done', reason, text, stats: stats(), tokenIds: [...emitted] });
    return { keep: true, text, tokenIds: emitted, gpuLost: false };
  };
  /** One token through the plain path; returns the finish reason when it ends the run. */
  const take = (id: number, index: number): FinishReason | null => {
    clock.token();
    const last = index === maxTokens - 1;
    if (loaded.eosTokenIds.has(id)) {
      emitToken(id, matcher.push(decoder.flush()).emit + matcher.flush(), index);
      return 'eos';
    }
    const piece = decoder.push(id) + (last ? decoder.flush() : '');
    const { emit, matched } = matcher.push(piece);
    if (matched) {
      emitToken(id, emit, index);
      return 'stop-sequence';
    }
    emitToken(id, last ? emit + matcher.flush() : emit, index);
    return last ? 'length' : null;
  };

  /**
   * Announced between passes, so no token can follow the `paused` event; paused time leaves every rate.
   * Stats go first: the 4 Hz ones may be up to 250 ms old, and a paused page would show their count
   * (the first token's, on an early pause) against every token on screen until Resume.
   */
  const holdWhilePaused = async () => {
    if (!control.paused) return;
    lastStatsAt = performance.now();
    channel.send({ type: 'stats', stats: stats() });
    clock.pause();
    channel.send({ type: 'paused', timestamp: Date.now() });
    await control.gate();
    clock.resume();
    if (!control.stopped) channel.send({ type: 'resumed', timestamp: Date.now() });
  };

  /**
   * Between the chunks of a long prefill (kv-cache.ts, about a second each) the worker reads its
   * messages, so the heartbeat is answered and a Pause or a Stop lands within a chunk; a Stop ends
   * the prefill there.
   */
  const betweenPrefillChunks = async () => {
    await yieldToEventLoop();
    await holdWhilePaused();
    return control.stopped || channel.cancelled;
  };

  channel.send({
    type: 'start',
    requestId,
    promptTokens: promptIds.length,
    maxTokens,
    timestamp: Date.now(),
    ...use,
  });
  try {
    let feed = plan.feed;
    let index = 0;
    while (index < maxTokens) {
      await yieldToEventLoop();
      await holdWhilePaused();
      await channel.waitForRoom();
      if (control.stopped || channel.cancelled) return finish('stopped');

      // The prefill pass never carries a draft: its cost is the prompt's, and the policy measures decode passes.
      const budget = drafter && index > 0 ? plan.speculation.draftBudget(policyInput) : 0;
      const draft = budget > 0 && drafter ? drafter.propose(Math.min(budget, maxTokens - index - 1)) : [];
      if (draft.length > 0) {
        // A verified draft emits up to k+1 events at once: wait until the reader has room for all of them, so the
        // queue never grows past its limit (the reader is the bottleneck then, so waiting costs no speed).
        await channel.waitForRoom(Math.min(draft.length + 1, channel.highWaterMark));
        if (control.stopped || channel.cancelled) return finish('stopped');
      }
      const passStarted = performance.now();
      const pass = cache.feed(
        draft.length > 0 ? [...feed, ...draft] : feed,
        draft.length + 1,
        index === 0 ? betweenPrefillChunks : undefined,
      );
      const rows = await (interrupt ? interrupt.race(pass) : pass);
      passes++;
      if (index === 0) clock.prefillDone();
      // Read any Stop that arrived while the pass blocked the worker before emitting its tokens.
      await yieldToEventLoop();
      if (control.stopped || channel.cancelled) return finish('stopped');

      const out: number[] = [];
      for (let j = 0; j <= draft.length; j++) {
        const row = rows[j] as Float32Array;
        if (constraint) await constraint.mask(row, maxTokens - index - j);
        const id = sampler.sample(row, seen);
        constraint?.accept(id);
        seen.add(id);
        out.push(id);
        if (j === draft.length || id !== draft[j]) break;
      }
      drafted += draft.length;
      accepted += out.length - 1;
      const rejected = draft.length - (out.length - 1);
      if (rejected > 0) await cache.truncate(cache.length - rejected);
      // The rollback is part of what a draft costs.
      if (index > 0 && drafter) plan.speculation.record(performance.now() - passStarted, draft.length, out.length);
      drafter?.push(...out);

      for (const id of out) {
        const reason = take(id, index++);
        if (reason) return finish(reason);
      }
      const now = performance.now();
      if (now - lastStatsAt >= request.statsIntervalMs) {
        lastStatsAt = now;
        channel.send({ type: 'stats', stats: stats() });
      }
      feed = [out.at(-1) as number];
    }
    return finish('length');
  } catch (error) {
    // Stopped between prefill chunks: the cache holds exactly the chunks fed, and is kept.
    if (error instanceof FeedStopped) return finish('stopped');
    if (await plan.isGpuLoss?.(error)) {
      // Not the end of the answer: the page reloads the model on WASM and goes on from these ids.
      channel.send({ type: 'error', name: 'GpuLost', message: GPU_LOST_NOTICE, tokenIds: [...emitted] });
      return { keep: false, text, tokenIds: emitted, gpuLost: true };
    }
    const named = isOutOfMemory(error)
      ? outOfMemoryError(loaded.info.backend, 'generating', loaded.info.modelId, loaded.info.dtype)
      : toEngineError(error, 'GenerationError', 'The model failed while generating');
    channel.send({ type: 'error', name: named.name, message: named.message, tokenIds: [...emitted] });
    return { keep: false, text, tokenIds: emitted, gpuLost: false };
  } finally {
    constraint?.dispose();
    channel.close();
  }
}
