import type { FinishReason, GenerationStats, StreamEvent } from '../../../workers/protocol';
import { ChunkDecoder, type RemoteChunk } from './chunk-decoder';
import { RemoteError, streamCutError } from './remote-errors';

/** Recent token times kept for the sliding decode rate, as the local engine's stats window. */
const RATE_WINDOW = 16;

export interface RemoteRunOptions {
  requestId: string;
  maxTokens: number;
  statsIntervalMs: number;
  host: string;
  now: () => number;
}

const FINISH: Record<string, FinishReason> = {
  stop: 'eos',
  length: 'length',
  tool_calls: 'eos',
  content_filter: 'eos',
};

/**
 * One streaming answer from a server, as the engine's StreamEvents. The body is read only when the consumer
 * pulls (a ReadableStream with no buffer of its own), so the page's backpressure reaches the socket, and a
 * pause reads nothing at all: the server may keep generating into its send buffer (the UI says so), but no
 * token is taken while paused. Stop aborts the request; what arrived is kept as a `stopped` answer.
 */
export class RemoteRun {
  readonly stream: ReadableStream<StreamEvent>;
  /** Settled once the last event is queued. */
  finished = false;
  paused = false;
  private started = false;
  /** A pause waits for the read in flight, so no token of that read comes after the `paused` event. */
  private pauseToAnnounce = false;
  private readonly decoder = new ChunkDecoder();
  private readonly queue: StreamEvent[] = [];
  private readonly times: number[] = [];
  private text = '';
  private tokens = 0;
  private thinking = false;
  /** The function call being streamed (`delta.tool_calls`), put back in the text as `<tool_call>` (see `callPiece`). */
  private call: { index: number; id: string; name: string; opened: boolean } | null = null;
  private finish: string | null = null;
  private usage: { promptTokens: number | null; completionTokens: number | null } = {
    promptTokens: null,
    completionTokens: null,
  };
  private readonly startedAt: number;
  private firstTokenAt: number | null = null;
  private pausedAt: number | null = null;
  private pausedMs = 0;
  private lastStatsAt = 0;
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(
    response: Promise<Response>,
    /** Aborts the request (the fetch was given its signal). */
    private readonly controller: AbortController,
    private readonly options: RemoteRunOptions,
  ) {
    this.startedAt = options.now();
    let body: ReadableStreamDefaultReader<Uint8Array> | null = null;
    const opened = response.then((r) => {
      body = r.body?.getReader() ?? null;
      return body;
    });
    this.stream = new ReadableStream<StreamEvent>(
      {
        pull: async (controller) => {
          while (this.queue.length === 0 && !this.finished) await this.step(opened, () => body);
          const next = this.queue.shift();
          if (next) controller.enqueue(next);
          if (this.queue.length === 0 && this.finished) controller.close();
        },
        cancel: () => this.controller.abort(),
      },
      { highWaterMark: 0 },
    );
  }

  pause(): boolean {
    if (this.finished || this.paused) return false;
    this.paused = true;
    this.pauseToAnnounce = true;
    this.pausedAt = this.options.now();
    return true;
  }

  resume(): boolean {
    if (this.finished || !this.paused) return false;
    this.pausedMs += this.options.now() - (this.pausedAt ?? this.options.now());
    this.pausedAt = null;
    this.paused = false;
    // Resumed before the pause was announced: the consumer never saw it, so neither event is sent.
    if (this.pauseToAnnounce) this.pauseToAnnounce = false;
    else this.queue.push({ type: 'resumed', timestamp: Date.now() });
    this.wake?.();
    return true;
  }

  stop(): void {
    if (this.finished) return;
    this.stopped = true;
    this.controller.abort();
    this.wake?.();
  }

  /** Produces at least one event, or waits (paused) until there is reason to look again. */
  private async step(
    opened: Promise<ReadableStreamDefaultReader<Uint8Array> | null>,
    body: () => ReadableStreamDefaultReader<Uint8Array> | null,
  ): Promise<void> {
    if (this.stopped) return this.end('stopped');
    if (this.pauseToAnnounce) {
      this.pauseToAnnounce = false;
      // As the worker engine does: stats counting every token so far, so a paused page shows them.
      if (this.started) {
        this.lastStatsAt = this.options.now();
        this.queue.push({ type: 'stats', stats: this.stats() });
      }
      this.queue.push({ type: 'paused', timestamp: Date.now() });
      return;
    }
    if (this.paused) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      return;
    }
    try {
      const reader = await opened;
      if (!this.started) {
        this.started = true;
        this.queue.push({
          type: 'start',
          requestId: this.options.requestId,
          promptTokens: 0,
          maxTokens: this.options.maxTokens,
          timestamp: Date.now(),
        });
        return;
      }
      if (!reader) return this.fail(streamCutError(this.options.host, this.tokens));
      const { done, value } = await reader.read();
      if (this.stopped) return this.end('stopped');
      const chunks = done ? this.decoder.end() : this.decoder.push(value);
      for (const chunk of chunks) if (this.apply(chunk)) return;
      if (this.decoder.finished) return this.end(this.finishReason());
      if (done) {
        // A last chunk with finish_reason but no [DONE] is a finished answer; nothing at all is a cut.
        if (this.finish !== null) return this.end(this.finishReason());
        return this.fail(streamCutError(this.options.host, this.tokens));
      }
      this.maybeStats();
    } catch (error) {
      if (this.stopped) return this.end('stopped');
      if (error instanceof RemoteError) return this.fail(error);
      void body()
        ?.cancel()
        .catch(() => {});
      return this.fail(streamCutError(this.options.host, this.tokens));
    }
  }

  /** True when the chunk ended the run. */
  private apply(chunk: RemoteChunk): boolean {
    switch (chunk.type) {
      case 'delta': {
        // Reasoning the server sends apart is put back in `<think>` tags: the page splits thinking from the answer.
        let piece = this.closeCall();
        if (chunk.reasoning) piece += (this.thinking ? '' : '<think>') + chunk.reasoning;
        if (chunk.reasoning) this.thinking = true;
        if (chunk.content) piece += (this.thinking ? '</think>' : '') + chunk.content;
        if (chunk.content) this.thinking = false;
        this.token(piece);
        return false;
      }
      case 'tool-call':
        this.callPiece(chunk);
        return false;
      case 'finish':
        this.finish = chunk.reason;
        return false;
      case 'usage':
        this.usage = chunk;
        return false;
      case 'error':
        this.fail(
          new RemoteError(
            'RemoteServerError',
            `${this.options.host} reported an error mid-answer${chunk.code ? ` (${chunk.code})` : ''}: "${chunk.message}". The text so far is kept: send again or regenerate.`,
          ),
        );
        return true;
      case 'done':
        return false;
    }
  }

  /**
   * Function calls a server sends apart are put back in the text in the Hermes form the page's OpenAI layer
   * reads from a local model (Qwen's templates), as reasoning is put back in `<think>`:
   * `<tool_call>\n{"name": "f", "id": "<the server's id>", "arguments": "<its arguments string>"}\n</tool_call>`.
   * The arguments stay the exact string the server sent (JSON-escaped as they stream), and the id its own (some
   * servers check the ids of tool results, e.g. vLLM's Mistral parser), so the API hands both back unchanged.
   */
  private callPiece(chunk: Extract<RemoteChunk, { type: 'tool-call' }>): void {
    let piece = this.call && this.call.index !== chunk.index ? this.closeCall() : '';
    if (!this.call) {
      if (this.thinking) piece += '</think>';
      this.thinking = false;
      this.call = { index: chunk.index, id: '', name: '', opened: false };
    }
    this.call.id += chunk.id;
    this.call.name += chunk.name;
    if (chunk.arguments) piece += this.openCall() + JSON.stringify(chunk.arguments).slice(1, -1);
    if (piece) this.token(piece);
  }

  /** The call's opening, once its name is known (servers send the name before any arguments). */
  private openCall(): string {
    if (!this.call || this.call.opened) return '';
    this.call.opened = true;
    const id = this.call.id ? `"id": ${JSON.stringify(this.call.id)}, ` : '';
    return `<tool_call>\n{"name": ${JSON.stringify(this.call.name)}, ${id}"arguments": "`;
  }

  /** Ends the call being streamed, if any: the text to add. */
  private closeCall(): string {
    if (!this.call) return '';
    const piece = `${this.openCall()}"}\n</tool_call>`;
    this.call = null;
    return piece;
  }

  /** One delta is one token event: servers send a chunk per token (the count is corrected from `usage`). */
  private token(piece: string): void {
    const at = this.options.now();
    this.firstTokenAt ??= at;
    this.times.push(at);
    if (this.times.length > RATE_WINDOW) this.times.shift();
    this.queue.push({ type: 'token', id: -1, text: piece, index: this.tokens, timestamp: Date.now() });
    this.text += piece;
    this.tokens++;
  }

  private finishReason(): FinishReason {
    return FINISH[this.finish ?? 'stop'] ?? 'eos';
  }

  private maybeStats(): void {
    const at = this.options.now();
    if (at - this.lastStatsAt < this.options.statsIntervalMs) return;
    this.lastStatsAt = at;
    this.queue.push({ type: 'stats', stats: this.stats() });
  }

  stats(): GenerationStats {
    const now = this.options.now();
    const paused = this.pausedMs + (this.pausedAt !== null ? now - this.pausedAt : 0);
    const windowStart = this.times[0];
    const windowEnd = this.times.at(-1);
    const decodeTokPerS =
      windowStart !== undefined && windowEnd !== undefined && windowEnd > windowStart
        ? ((this.times.length - 1) * 1000) / (windowEnd - windowStart)
        : null;
    const decodeMs = this.firstTokenAt !== null ? now - this.firstTokenAt - paused : 0;
    const averageDecodeTokPerS = decodeMs > 0 && this.tokens > 1 ? ((this.tokens - 1) * 1000) / decodeMs : null;
    const tokens = this.usage.completionTokens ?? this.tokens;
    const left = this.options.maxTokens - tokens;
    return {
      promptTokens: this.usage.promptTokens ?? 0,
      tokens,
      maxTokens: this.options.maxTokens,
      ttftMs: this.firstTokenAt !== null ? this.firstTokenAt - this.startedAt : null,
      prefillTokPerS: null,
      decodeTokPerS,
      averageDecodeTokPerS,
      elapsedMs: now - this.startedAt - paused,
      pausedMs: paused,
      etaMs: decodeTokPerS && left > 0 && !this.finished ? (left * 1000) / decodeTokPerS : null,
    };
  }

  private end(reason: FinishReason): void {
    if (this.finished) return;
    // A call cut by Stop stays open: the page gives an unfinished call back as text, as it is.
    const closing = reason === 'stopped' ? '' : this.closeCall();
    if (closing) this.token(closing);
    if (this.thinking) this.token('</think>');
    this.finished = true;
    this.queue.push({ type: 'done', reason, text: this.text, stats: this.stats() });
  }

  private fail(error: RemoteError): void {
    if (this.finished) return;
    this.finished = true;
    this.controller.abort();
    this.queue.push({ type: 'error', name: error.name, message: error.message });
  }
}
