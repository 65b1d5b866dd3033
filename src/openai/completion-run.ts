import { describeError, type NamedError } from '../../common/error-names';
import type { EngineApi, FinishReason, StreamEvent } from '../../workers/protocol';
import type { ToolCallOut } from './chunk-encoder';
import { ToolCallScanner, type ScanOutput } from './tool-calls';

/**
 * One engine generation read for the OpenAI handler: the engine's StreamEvents become content and
 * tool-call pieces, and the counts OpenAI's `usage` needs. The reader pulls one event at a time, so
 * the engine's backpressure reaches the HTTP body: a client that stops reading stops the model.
 */

export type RunPiece =
  ScanOutput | { type: 'done'; reason: FinishReason; toolCalls: number } | { type: 'error'; error: NamedError };

export interface RunCounts {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export class CompletionRun {
  readonly counts: RunCounts = { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  private readonly scanner: ToolCallScanner | null;
  private finished = false;
  private stopped = false;

  constructor(
    private readonly engine: EngineApi,
    private readonly reader: ReadableStreamDefaultReader<StreamEvent>,
    parseToolCalls: boolean,
    newCallId: (index: number) => string,
  ) {
    this.scanner = parseToolCalls ? new ToolCallScanner(newCallId) : null;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Reads up to the engine's `start` event, so that a failure before it (the KV cache could not be
   * prepared, say) is still an HTTP error rather than an event inside a 200 stream. Null once started.
   */
  async begin(): Promise<NamedError | null> {
    while (!this.finished && !this.started) {
      const pieces = await this.next();
      const failed = pieces.find((p) => p.type === 'error');
      if (failed) return failed.error;
      this.early.push(...pieces);
    }
    return null;
  }

  private started = false;
  /** Pieces read while waiting for `start` (none in practice): handed out first. */
  private readonly early: RunPiece[] = [];

  /** The next pieces (at least one unless the run is over); `[]` only after the end. */
  async next(): Promise<RunPiece[]> {
    if (this.early.length > 0) return this.early.splice(0);
    while (!this.finished) {
      let event: StreamEvent | undefined;
      try {
        const result = await this.reader.read();
        event = result.done ? undefined : result.value;
      } catch (error) {
        return this.finished ? [] : this.end({ type: 'error', error: describeError(error) });
      }
      // Stop's drain and the body's pull may both be reading: whoever saw the end has handled it.
      if (this.finished) return [];
      if (!event && this.crash) return this.end({ type: 'error', error: this.crash });
      if (!event) {
        const error = { name: 'GenerationError', message: 'The token stream ended without a result. Send again.' };
        return this.end({ type: 'error', error });
      }
      const pieces = this.handle(event);
      if (pieces.length > 0) return pieces;
    }
    return [];
  }

  /** Our Stop: the engine ends the run within one forward pass; the rest of its stream is read and dropped. */
  stop(): void {
    if (this.finished || this.stopped) return;
    this.stopped = true;
    void this.engine.stop().catch(() => {});
    void this.drain();
  }

  private crash: NamedError | null = null;

  /** The worker died: its stream will never end by itself, so end it here with the crash as the error. */
  abandon(error: unknown): void {
    if (this.finished) return;
    this.crash = describeError(error);
    void this.reader.cancel().catch(() => {});
  }

  private async drain(): Promise<void> {
    while (!this.finished) await this.next();
  }

  private handle(event: StreamEvent): RunPiece[] {
    switch (event.type) {
      case 'start':
        this.started = true;
        this.counts.promptTokens = event.promptTokens;
        this.counts.cachedTokens = event.reusedTokens ?? 0;
        return [];
      case 'token':
        this.counts.completionTokens = event.index + 1;
        if (!this.scanner) return event.text ? [{ type: 'content', text: event.text }] : [];
        return this.scanner.push(event.text);
      case 'done': {
        this.counts.completionTokens = event.stats.tokens;
        if (event.stats.reusedTokens !== undefined) this.counts.cachedTokens = event.stats.reusedTokens;
        const rest = this.scanner?.flush() ?? [];
        return this.end(...rest, { type: 'done', reason: event.reason, toolCalls: this.scanner?.callCount ?? 0 });
      }
      case 'error':
        return this.end({ type: 'error', error: { name: event.name, message: event.message } });
      default:
        return [];
    }
  }

  private end(...pieces: RunPiece[]): RunPiece[] {
    this.finished = true;
    return pieces;
  }
}

/** Reads a whole run (non-streaming): content, calls, finish reason, or the error that ended it. */
export async function collectRun(
  run: CompletionRun,
): Promise<
  { ok: true; content: string; toolCalls: ToolCallOut[]; reason: FinishReason } | { ok: false; error: NamedError }
> {
  let content = '';
  const toolCalls: ToolCallOut[] = [];
  for (;;) {
    const pieces = await run.next();
    if (pieces.length === 0) {
      return { ok: false, error: { name: 'GenerationError', message: 'The generation ended without a result.' } };
    }
    for (const piece of pieces) {
      if (piece.type === 'content') content += piece.text;
      else if (piece.type === 'tool-call') toolCalls.push(piece.call);
      else if (piece.type === 'error') return { ok: false, error: piece.error };
      else return { ok: true, content, toolCalls, reason: piece.reason };
    }
  }
}
