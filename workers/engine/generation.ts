import type { FinishReason, StreamEvent } from '../protocol';
import { EngineError, toEngineError } from './errors';
import type { EventChannel } from './event-channel';
import { KvSession } from './forward';
import type { GenerationControl } from './generation-control';
import type { GenerationClock } from './generation-stats';
import { IncrementalDecoder } from './incremental-decoder';
import { isOutOfMemory, outOfMemoryError } from './out-of-memory';
import type { LoadedModel } from './loader';
import { Sampler } from './sampler';
import { StopMatcher } from './stop-matcher';
import type { ValidatedRequest } from './validate';
import { yieldToEventLoop } from './yield';

export interface Counters {
  forwardPasses: number;
  forwardMs: number;
}

export function tokenizePrompt(loaded: LoadedModel, request: ValidatedRequest): number[] {
  const { tokenizer } = loaded;
  if (request.messages) {
    // Render, then encode without extra specials: the template already places them.
    const text = tokenizer.apply_chat_template([...request.messages] as { role: string; content: string }[], {
      add_generation_prompt: true,
      tokenize: false,
    }) as string;
    return tokenizer.encode(text, { add_special_tokens: false });
  }
  return tokenizer.encode(request.prompt ?? '');
}

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

/**
 * The decode loop. Before every forward pass it waits for the pause gate and
 * for room in the stream; stop is checked after each pass, so at most the pass
 * in flight finishes after Stop and its token is discarded.
 */
export async function runGeneration(
  loaded: LoadedModel,
  request: ValidatedRequest,
  promptIds: number[],
  maxTokens: number,
  requestId: string,
  channel: EventChannel,
  control: GenerationControl,
  counters: Counters,
  clock: GenerationClock,
): Promise<void> {
  const session = new KvSession(loaded.model);
  const sampler = new Sampler(request);
  const decoder = new IncrementalDecoder((ids) =>
    loaded.tokenizer.decode(ids as number[], { skip_special_tokens: true, clean_up_tokenization_spaces: false }),
  );
  const matcher = new StopMatcher(request.stop);
  const seen = new Set(promptIds);
  let text = '';
  let lastStatsAt = 0;

  const emitToken = (id: number, piece: string, index: number) => {
    text += piece;
    channel.send({ type: 'token', id, text: piece, index, timestamp: Date.now() });
  };
  const finish = (reason: FinishReason) => {
    channel.send({ type: 'done', reason, text, stats: clock.snapshot() });
  };

  channel.send({ type: 'start', requestId, promptTokens: promptIds.length, maxTokens, timestamp: Date.now() });
  try {
    let feed = promptIds;
    for (let index = 0; index < maxTokens; index++) {
      await yieldToEventLoop();
      if (control.paused) {
        // Announced here, between passes, so no token can follow the `paused` event.
        clock.pause();
        channel.send({ type: 'paused', timestamp: Date.now() });
        await control.gate();
        clock.resume();
        if (!control.stopped) channel.send({ type: 'resumed', timestamp: Date.now() });
      }
      await channel.waitForRoom();
      if (control.stopped || channel.cancelled) return finish('stopped');

      const passStarted = performance.now();
      const logits = await session.step(feed);
      counters.forwardMs += performance.now() - passStarted;
      counters.forwardPasses++;
      if (index === 0) clock.prefillDone();
      // Read any Stop that arrived while the pass blocked the worker before emitting its token.
      await yieldToEventLoop();
      if (control.stopped || channel.cancelled) return finish('stopped');

      const id = sampler.sample(logits, seen);
      seen.add(id);
      clock.token();
      const last = index === maxTokens - 1;
      if (loaded.eosTokenIds.has(id)) {
        emitToken(id, matcher.push(decoder.flush()).emit + matcher.flush(), index);
        return finish('eos');
      }
      const piece = decoder.push(id) + (last ? decoder.flush() : '');
      const { emit, matched } = matcher.push(piece);
      if (matched) {
        emitToken(id, emit, index);
        return finish('stop-sequence');
      }
      emitToken(id, last ? emit + matcher.flush() : emit, index);

      const now = performance.now();
      if (now - lastStatsAt >= request.statsIntervalMs) {
        lastStatsAt = now;
        channel.send({ type: 'stats', stats: clock.snapshot() });
      }
      feed = [id];
    }
    finish('length');
  } catch (error) {
    const named = isOutOfMemory(error)
      ? outOfMemoryError(loaded.info.backend, 'generating', loaded.info.modelId, loaded.info.dtype)
      : toEngineError(error, 'GenerationError', 'The model failed while generating');
    channel.send({ type: 'error', name: named.name, message: named.message } satisfies StreamEvent);
  } finally {
    await session.dispose();
    channel.close();
  }
}
