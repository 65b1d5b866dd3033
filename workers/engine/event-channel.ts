import type { StreamEvent } from '../protocol';

/**
 * The token stream handed to the caller. Its queue is small and counted in
 * events; the decode loop awaits `waitForRoom()` before each forward pass, so a
 * reader that stops reading stops generation once the queue is full.
 */
export class EventChannel {
  readonly stream: ReadableStream<StreamEvent>;
  private controller: ReadableStreamDefaultController<StreamEvent> | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  cancelled = false;

  constructor(
    readonly highWaterMark: number,
    onCancel: () => void,
  ) {
    this.stream = new ReadableStream<StreamEvent>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.wakeUp(),
        cancel: () => {
          this.cancelled = true;
          this.closed = true;
          this.wakeUp();
          onCancel();
        },
      },
      new CountQueuingStrategy({ highWaterMark }),
    );
  }

  get queued(): number {
    const size = this.controller?.desiredSize ?? this.highWaterMark;
    return Math.max(0, this.highWaterMark - size);
  }

  send(event: StreamEvent): void {
    if (!this.closed) this.controller?.enqueue(event);
  }

  /** Resolves once the consumer has room for `slots` events, or at once if the stream was cancelled or woken. */
  async waitForRoom(slots = 1): Promise<void> {
    while (!this.closed && (this.controller?.desiredSize ?? slots) < slots) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.interrupted) {
        this.interrupted = false;
        return;
      }
    }
  }

  private interrupted = false;

  /** Ends a pending `waitForRoom()` early, e.g. because the user pressed Stop. */
  interrupt(): void {
    this.interrupted = true;
    this.wakeUp();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller?.close();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
