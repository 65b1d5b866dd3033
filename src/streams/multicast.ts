/**
 * One source, many readers: every listener gets every call, synchronously and in
 * subscription order. A listener that throws is reported and skipped, so one
 * broken reader cannot stop the stream for the others.
 */
export class Multicast<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  constructor(private readonly label: string) {}

  /** Returns the unsubscribe function. The same function subscribed twice is called twice. */
  subscribe(listener: (...args: Args) => void): () => void {
    const entry = (...args: Args) => listener(...args);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  emit(...args: Args): void {
    for (const listener of this.listeners) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`A ${this.label} listener threw; the others still run.`, error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
