import type { EmbedFinishReason } from '../protocol';
import type { DoneEvent, ErrorEvent, GenerationHandle, TokenEvent } from './types';

/** The Error a failed generation rejects with: the widget's stable `name` and message. */
export class TypewriterError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Control = (type: 'typewriter:pause' | 'typewriter:resume' | 'typewriter:stop', id: string) => void;

/**
 * Collects one generation's tokens. Every iterator replays from the first token, so a consumer
 * that starts iterating late misses nothing; tokens are kept until the handle is dropped.
 */
export class Generation implements GenerationHandle {
  readonly done: Promise<{ reason: EmbedFinishReason; text: string }>;
  private readonly tokens: TokenEvent[] = [];
  private finished = false;
  private failure: TypewriterError | null = null;
  private wake: (() => void)[] = [];
  private settle!: { resolve(v: { reason: EmbedFinishReason; text: string }): void; reject(e: Error): void };

  constructor(
    readonly id: string,
    private readonly control: Control,
  ) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Awaiting `done` is optional; an unobserved failure must not surface as an unhandled rejection.
    this.done.catch(() => {});
  }

  pause(): void {
    this.control('typewriter:pause', this.id);
  }
  resume(): void {
    this.control('typewriter:resume', this.id);
  }
  stop(): void {
    this.control('typewriter:stop', this.id);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  pushToken(token: TokenEvent): void {
    if (this.finished) return;
    this.tokens.push(token);
    this.notify();
  }

  finish(event: DoneEvent): void {
    if (this.finished) return;
    this.finished = true;
    this.settle.resolve({ reason: event.reason, text: event.text });
    this.notify();
  }

  fail(event: ErrorEvent): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = new TypewriterError(event.name, event.message);
    this.settle.reject(this.failure);
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TokenEvent> {
    let cursor = 0;
    for (;;) {
      while (cursor < this.tokens.length) {
        const token = this.tokens[cursor++];
        if (token) yield token;
      }
      if (this.failure) throw this.failure;
      if (this.finished) return;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    waiting.forEach((resolve) => resolve());
  }
}
