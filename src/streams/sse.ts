import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ChunkEncoder, openAiFinishReason, SSE_DONE, sseEvent } from '../openai/chunk-encoder';
import type { GenerationLog } from './event-log';
import type { TextFilter } from './filters';
import { ThinkSplitter } from './think';

export type { ChatCompletionChunk };

/**
 * One generation as an OpenAI-compatible SSE transcript: a chunk per token, a final chunk
 * with finish_reason, then `data: [DONE]`, written by the same encoder as the in-page
 * `/v1/chat/completions` handler. `filter` applies the display filters (redaction),
 * so the transcript shows what the user saw; the NDJSON event log keeps the raw text.
 */
export function toSseTranscript(run: GenerationLog, filter?: TextFilter): string {
  const start = run.events.find((e) => e.event.type === 'start');
  const encoder = new ChunkEncoder({
    id: `chatcmpl-${run.requestId}`,
    created: Math.floor((start?.t ?? run.events[0]?.t ?? 0) / 1000),
    model: run.model ?? 'unknown',
  });
  let out = sseEvent(encoder.role());
  // A reasoning model's `<think>…</think>` goes out as `reasoning_content` (unfiltered: the redaction list is for
  // the answer's display), never inside `content`.
  const think = new ThinkSplitter();
  const emit = ({ thinking, answer }: { thinking: string; answer: string }) => {
    if (thinking) out += sseEvent(encoder.reasoning(thinking));
    const content = filter ? filter.push(answer) : answer;
    if (content) out += sseEvent(encoder.content(content));
  };
  for (const { event } of run.events) {
    if (event.type === 'token') {
      emit(think.push(event.text));
    } else if (event.type === 'done' || event.type === 'error') {
      emit(think.flush());
      const rest = filter?.flush() ?? '';
      if (rest) out += sseEvent(encoder.content(rest));
      if (event.type === 'done') out += sseEvent(encoder.finish(openAiFinishReason(event.reason)));
    }
  }
  return out + SSE_DONE;
}

/**
 * An incremental SSE reader: push text as it arrives, get each complete event's data
 * (multi-line `data:` fields joined with "\n", comments and other fields ignored, CRLF accepted).
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(text: string): string[] {
    this.buffer += text;
    const events: string[] = [];
    let nl = this.buffer.search(/\r\n|\r|\n/);
    while (nl !== -1) {
      const lineText = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone "\r" at the end may be the first half of "\r\n": wait for more.
      if (this.buffer[nl] === '\r' && width === 1 && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + width);
      if (lineText === '') {
        if (this.data.length) events.push(this.data.join('\n'));
        this.data = [];
      } else if (lineText.startsWith('data:')) {
        const value = lineText.slice(5);
        this.data.push(value.startsWith(' ') ? value.slice(1) : value);
      }
      nl = this.buffer.search(/\r\n|\r|\n/);
    }
    return events;
  }
}

export interface ParsedCompletion {
  chunks: ChatCompletionChunk[];
  text: string;
  finishReason: string | null;
  done: boolean;
}

/** Reads an OpenAI chat-completion SSE stream (given whole or in pieces) back into text. */
export function parseChatCompletionSse(pieces: string | readonly string[]): ParsedCompletion {
  const parser = new SseParser();
  const result: ParsedCompletion = { chunks: [], text: '', finishReason: null, done: false };
  for (const piece of typeof pieces === 'string' ? [pieces] : pieces) {
    for (const data of parser.push(piece)) {
      if (result.done) continue;
      if (data === '[DONE]') {
        result.done = true;
        continue;
      }
      const chunk = JSON.parse(data) as ChatCompletionChunk;
      result.chunks.push(chunk);
      const choice = chunk.choices[0];
      result.text += choice?.delta.content ?? '';
      if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    }
  }
  return result;
}
