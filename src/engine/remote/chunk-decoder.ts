import { SseParser } from '../../streams/sse';

/** What one OpenAI-compatible SSE stream says, event by event, in the order it said it. */
export type RemoteChunk =
  /** New answer text; `reasoning` is `delta.reasoning_content` (vLLM, DeepSeek, llama.cpp's server). */
  | { type: 'delta'; content: string; reasoning: string }
  /**
   * A piece of a function call (`delta.tool_calls[i]`): servers send the id and name first, then the arguments
   * (a JSON string) in fragments; `index` tells parallel calls apart.
   */
  | { type: 'tool-call'; index: number; id: string; name: string; arguments: string }
  | { type: 'finish'; reason: string }
  | { type: 'usage'; promptTokens: number | null; completionTokens: number | null }
  /** An error object sent in place of a chunk, mid-stream. */
  | { type: 'error'; message: string; code: string | null }
  | { type: 'done' };

interface WireChunk {
  choices?: {
    delta?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
    text?: unknown;
    finish_reason?: unknown;
  }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: { message?: unknown; code?: unknown; type?: unknown } | string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `delta.tool_calls` as pieces, in order; an entry without an integer `index` is taken by its place in the list. */
function toolCallPieces(calls: unknown): RemoteChunk[] {
  if (!Array.isArray(calls)) return [];
  return calls.filter(isRecord).flatMap((call, position): RemoteChunk[] => {
    const fn = isRecord(call.function) ? call.function : {};
    const index = typeof call.index === 'number' && Number.isInteger(call.index) ? call.index : position;
    const [id, name, args] = [text(call.id), text(fn.name), text(fn.arguments)];
    return id || name || args ? [{ type: 'tool-call', index, id, name, arguments: args }] : [];
  });
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Decodes a chat-completions (or completions) SSE body incrementally: bytes in any split (a UTF-8 sequence
 * or a line cut between two reads), several events in one read, comments and keep-alives, `[DONE]`, and an
 * error object in the middle of the stream, which OpenAI, vLLM and llama.cpp's server all send as
 * `data: {"error": {...}}`. Each `push` costs the size of what it is given.
 */
export class ChunkDecoder {
  private readonly utf8 = new TextDecoder();
  private readonly sse = new SseParser();
  /** Set once `[DONE]` arrived; anything after it is ignored. */
  finished = false;

  push(bytes: Uint8Array): RemoteChunk[] {
    return this.events(this.utf8.decode(bytes, { stream: true }));
  }

  /** The body ended: a last event without its blank line still counts (some servers end so). */
  end(): RemoteChunk[] {
    return this.events(`${this.utf8.decode()}\n\n`);
  }

  private events(decoded: string): RemoteChunk[] {
    const out: RemoteChunk[] = [];
    for (const data of this.sse.push(decoded)) {
      if (this.finished) break;
      if (data.trim() === '[DONE]') {
        this.finished = true;
        out.push({ type: 'done' });
        continue;
      }
      let chunk: WireChunk;
      try {
        chunk = JSON.parse(data) as WireChunk;
      } catch {
        out.push({
          type: 'error',
          message: `the server sent an event that is not JSON: ${data.slice(0, 80)}`,
          code: null,
        });
        continue;
      }
      if (chunk.error !== undefined) {
        const error = typeof chunk.error === 'string' ? { message: chunk.error } : chunk.error;
        out.push({
          type: 'error',
          message: text(error.message) || 'the server reported an error',
          code: text(error.code) || text((error as { type?: unknown }).type) || null,
        });
        continue;
      }
      const choice = chunk.choices?.[0];
      if (choice) {
        const content = text(choice.delta?.content) || text(choice.text);
        const reasoning = text(choice.delta?.reasoning_content);
        if (content || reasoning) out.push({ type: 'delta', content, reasoning });
        out.push(...toolCallPieces(choice.delta?.tool_calls));
        if (typeof choice.finish_reason === 'string') out.push({ type: 'finish', reason: choice.finish_reason });
      }
      if (chunk.usage) {
        out.push({
          type: 'usage',
          promptTokens: count(chunk.usage.prompt_tokens),
          completionTokens: count(chunk.usage.completion_tokens),
        });
      }
    }
    return out;
  }
}
