import type { FileProgress, LoadPhase, LoadProgress } from '../protocol';

/** A load's progress across its files and phases, sent on every change. */
export class ProgressTracker {
  private readonly files = new Map<string, FileProgress>();
  private phase: LoadPhase = 'download';
  private readonly started = performance.now();

  constructor(
    private readonly emit: (progress: LoadProgress) => void,
    expected: Map<string, number>,
  ) {
    for (const [file, total] of expected)
      this.files.set(file, { file, loaded: 0, total, fromCache: false, done: false });
  }

  file(progress: FileProgress): void {
    const known = this.files.get(progress.file);
    this.files.set(progress.file, { ...progress, total: progress.total ?? known?.total ?? null });
    if (
      progress.fromCache &&
      this.phase === 'download' &&
      [...this.files.values()].every((f) => f.fromCache || f.done)
    ) {
      this.phase = 'cache';
    }
    this.send();
  }

  setPhase(phase: LoadPhase): void {
    this.phase = phase;
    this.send();
  }

  get fromCache(): boolean {
    return [...this.files.values()].every((f) => f.fromCache);
  }

  get fileNames(): string[] {
    return [...this.files.values()].filter((f) => f.done).map((f) => f.file);
  }

  get bytes(): number {
    return [...this.files.values()].reduce((n, f) => n + f.loaded, 0);
  }

  private send(): void {
    const files = [...this.files.values()];
    const unknown = files.some((f) => f.total === null);
    this.emit({
      phase: this.phase,
      files,
      loaded: files.reduce((n, f) => n + f.loaded, 0),
      total: unknown ? null : files.reduce((n, f) => n + (f.total ?? 0), 0),
      elapsedMs: performance.now() - this.started,
    });
  }
}
