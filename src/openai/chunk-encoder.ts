import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { FinishReason } from '../../workers/protocol';

/**
 * The one encoder of OpenAI's streamed `chat.completion.chunk` events. The transcript export
 * (src/streams/sse.ts) and the in-page `/v1/chat/completions` handler both write through it,
 * so an exported transcript and a live response have exactly the same shape.
 */

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls';

/**
 * OpenAI has "stop", "length" and "tool_calls". An EOS, a stop sequence and a user's Stop all end
 * the answer normally; an answer that made a function call ends with "tool_calls".
 */
export function openAiFinishReason(reason: FinishReason, madeToolCalls = false): OpenAiFinishReason {
  if (reason === 'length') return 'length';
  return madeToolCalls ? 'tool_calls' : 'stop';
}

/** A function call the model made, as OpenAI sends it: `arguments` is a JSON string. */
export interface ToolCallOut {
  id: string;
  name: string;
  arguments: string;
}

export interface CompletionIdentity {
  /** `chatcmpl-…`, the same on every chunk of one completion. */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

/** Token counts in OpenAI's `usage` shape; `cachedTokens` are the prompt tokens the KV cache already held. */
export function completionUsage(promptTokens: number, completionTokens: number, cachedTokens: number): CompletionUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}

type Delta = ChatCompletionChunk.Choice.Delta;

/** Builds the chunks of one completion (choice 0): role first, then content or tool calls, then the finish. */
export class ChunkEncoder {
  constructor(private readonly identity: CompletionIdentity) {}

  private chunk(delta: Delta, finishReason: OpenAiFinishReason | null = null): ChatCompletionChunk {
    return {
      ...this.base(),
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
  }

  private base(): Omit<ChatCompletionChunk, 'choices'> {
    const { id, created, model } = this.identity;
    return { id, object: 'chat.completion.chunk', created, model };
  }

  /** The first chunk: OpenAI opens every stream with the role and an empty content. */
  role(): ChatCompletionChunk {
    return this.chunk({ role: 'assistant', content: '' });
  }

  content(text: string): ChatCompletionChunk {
    return this.chunk({ content: text });
  }

  /** A reasoning model's thinking, as DeepSeek's and vLLM's OpenAI-compatible servers send it. */
  reasoning(text: string): ChatCompletionChunk {
    return this.chunk({ reasoning_content: text } as Delta);
  }

  /** A whole call in one delta (we only emit a call once its JSON is complete). `index` counts calls from 0. */
  toolCall(index: number, call: ToolCallOut): ChatCompletionChunk {
    return this.chunk({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }],
    });
  }

  finish(reason: OpenAiFinishReason): ChatCompletionChunk {
    return this.chunk({}, reason);
  }

  /** `stream_options.include_usage`: one last chunk with no choices and the usage. */
  usage(usage: CompletionUsage): ChatCompletionChunk {
    return { ...this.base(), choices: [], usage };
  }
}

/** One server-sent event carrying `data` as JSON. */
export const sseEvent = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/** OpenAI's end-of-stream sentinel. */
export const SSE_DONE = 'data: [DONE]\n\n';
