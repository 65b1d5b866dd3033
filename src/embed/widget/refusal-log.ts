/** Why the widget ignored a message or refused a sender; read by hosts' developers and by the e2e tests. */
export interface DebugEntry {
  kind: 'refused-origin' | 'refused-source' | 'malformed' | 'unknown-request' | 'config' | 'sandbox';
  detail: string;
  origin?: string;
  at: number;
}

export interface DebugLog {
  readonly entries: readonly DebugEntry[];
  record(entry: Omit<DebugEntry, 'at'>): void;
}

/** Keeps the last `limit` entries in memory so a hostile page cannot grow it without bound. */
export function createDebugLog(limit = 200, sink: (entry: DebugEntry) => void = defaultSink): DebugLog {
  const entries: DebugEntry[] = [];
  return {
    entries,
    record(entry) {
      const full = { ...entry, at: Date.now() };
      entries.push(full);
      if (entries.length > limit) entries.splice(0, entries.length - limit);
      sink(full);
    },
  };
}

function defaultSink(entry: DebugEntry): void {
  console.debug(`[typewriter embed] ${entry.kind}: ${entry.detail}`, entry.origin ?? '');
}
