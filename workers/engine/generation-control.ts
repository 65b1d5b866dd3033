/** Pause, resume and stop for one generation; the decode loop awaits `gate()` before each forward pass. */
export class GenerationControl {
  paused = false;
  stopped = false;
  private release: (() => void) | null = null;

  pause(): boolean {
    if (this.paused || this.stopped) return false;
    this.paused = true;
    return true;
  }

  resume(): boolean {
    if (!this.paused) return false;
    this.paused = false;
    this.wake();
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.paused = false;
    this.wake();
  }

  async gate(): Promise<void> {
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => (this.release = resolve));
    }
  }

  private wake(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }
}
