import type { ChatCompletion } from 'openai/resources/chat/completions';
import { describeError } from '../../common/error-names';
import type { EngineApi, StreamEvent } from '../../workers/protocol';
import { ChunkEncoder, completionUsage, openAiFinishReason, SSE_DONE, sseEvent } from './chunk-encoder';
import { CompletionRun, collectRun } from './completion-run';
import { engineErrorToOpenAi, errorResponse } from './errors';
import type { ChatCall } from './request';
import { abortError } from '../embed/fetch-request';

export interface CompletionContext {
  engine: EngineApi;
  /** `chatcmpl-…` id of this completion; its request id in the engine is the same. */
  id: string;
  /** Unix seconds. */
  created: number;
  signal: AbortSignal | null;
  /** Subscribes to the engine's worker dying mid-request (the worker engine has it; the fake does not). */
  onCrash?: (listener: (error: Error) => void) => () => void;
}

/** Starts the engine and answers `/v1/chat/completions`, streaming or whole. Engine refusals become HTTP errors. */
export async function runChatCompletion(call: ChatCall, ctx: CompletionContext): Promise<Response> {
  if (ctx.signal?.aborted) throw abortError();
  let stream: ReadableStream<StreamEvent>;
  try {
    stream = await ctx.engine.generate({ ...call.request, requestId: ctx.id });
  } catch (error) {
    return errorResponse(engineErrorToOpenAi(describeError(error)));
  }
  const run = new CompletionRun(ctx.engine, stream.getReader(), call.parseToolCalls, (i) => `call_${ctx.id}_${i}`);
  // The caller's AbortSignal is our Stop, whether the body is being read or not.
  const onAbort = () => run.stop();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const unwatch = ctx.onCrash?.((error) => run.abandon(error)) ?? (() => {});
  const cleanup = () => {
    ctx.signal?.removeEventListener('abort', onAbort);
    unwatch();
  };
  const failed = await run.begin();
  if (failed || ctx.signal?.aborted) {
    cleanup();
    if (failed) return errorResponse(engineErrorToOpenAi(failed));
    throw abortError();
  }
  if (!call.stream) {
    try {
      return await wholeCompletion(call, ctx, run);
    } finally {
      cleanup();
    }
  }
  return streamingCompletion(call, ctx, run, cleanup);
}

async function wholeCompletion(call: ChatCall, ctx: CompletionContext, run: CompletionRun): Promise<Response> {
  const aborted = new Promise<never>((_, reject) => {
    if (ctx.signal) ctx.signal.addEventListener('abort', () => reject(abortError()), { once: true });
  });
  const result = await Promise.race([collectRun(run), aborted]);
  if (!result.ok) return errorResponse(engineErrorToOpenAi(result.error));
  const { promptTokens, completionTokens, cachedTokens } = run.counts;
  const body: ChatCompletion = {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: call.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI sends null content with tool calls when the model wrote nothing else.
          content: result.content || (result.toolCalls.length ? null : ''),
          refusal: null,
          ...(result.toolCalls.length > 0 && {
            tool_calls: result.toolCalls.map(({ id, name, arguments: args }) => ({
              id,
              type: 'function' as const,
              function: { name, arguments: args },
            })),
          }),
        },
        finish_reason: openAiFinishReason(result.reason, result.toolCalls.length > 0),
        logprobs: null,
      },
    ],
    usage: completionUsage(promptTokens, completionTokens, cachedTokens),
  };
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-request-id': ctx.id },
  });
}

function streamingCompletion(
  call: ChatCall,
  ctx: CompletionContext,
  run: CompletionRun,
  cleanup: () => void,
): Response {
  const encoder = new ChunkEncoder({ id: ctx.id, created: ctx.created, model: call.model });
  const bytes = new TextEncoder();
  let toolIndex = 0;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const onAbort = () => {
    // As a real fetch does: the body of an aborted request errors with AbortError (the client expects it).
    try {
      controllerRef?.error(abortError());
    } catch {
      // Already closed.
    }
    cleanup();
  };
  ctx.signal?.addEventListener('abort', onAbort, { once: true });

  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      controller.enqueue(bytes.encode(sseEvent(encoder.role())));
    },
    async pull(controller) {
      const pieces = await run.next();
      if (ctx.signal?.aborted || cancelled) return;
      let out = '';
      let finished = pieces.length === 0;
      for (const piece of pieces) {
        if (piece.type === 'content') out += sseEvent(encoder.content(piece.text));
        else if (piece.type === 'tool-call') out += sseEvent(encoder.toolCall(toolIndex++, piece.call));
        else if (piece.type === 'error') {
          // Mid-stream, an error is an event with OpenAI's error object; the client throws it as an APIError.
          out += sseEvent(engineErrorToOpenAi(piece.error).body);
          finished = true;
        } else {
          out += sseEvent(encoder.finish(openAiFinishReason(piece.reason, piece.toolCalls > 0)));
          if (call.includeUsage) {
            const { promptTokens, completionTokens, cachedTokens } = run.counts;
            out += sseEvent(encoder.usage(completionUsage(promptTokens, completionTokens, cachedTokens)));
          }
          out += SSE_DONE;
          finished = true;
        }
      }
      if (out) controller.enqueue(bytes.encode(out));
      if (finished) {
        cleanup();
        ctx.signal?.removeEventListener('abort', onAbort);
        controller.close();
      }
    },
    cancel() {
      cancelled = true;
      // The reader gave up (e.g. `break` out of the client's loop): that is a Stop too.
      run.stop();
      cleanup();
      ctx.signal?.removeEventListener('abort', onAbort);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': ctx.id },
  });
}
