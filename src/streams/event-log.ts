import type { Backend, StreamEvent } from '../../workers/protocol';

/** Which generation an event belongs to: what the log and the exports call the operation. */
export interface StreamContext {
  requestId: string;
  /** Who started it ("chat", "embed", ...). */
  owner: string | null;
  /** The loaded model's id, e.g. "fake" or a Hub repo id. */
  model: string | null;
  backend: Backend | null;
}

export interface LoggedEvent {
  /** Wall-clock ms (Date.now()) when the page received the event. */
  t: number;
  event: StreamEvent;
}

export interface GenerationLog extends StreamContext {
  events: LoggedEvent[];
}

export interface EventLogLimits {
  maxGenerations: number;
  maxEvents: number;
}

export const DEFAULT_LOG_LIMITS: EventLogLimits = { maxGenerations: 50, maxEvents: 200_000 };

/**
 * Every stream event of recent generations, in memory, for analytics and export.
 * Bounded: the oldest generations are dropped whole, so an export never holds half a run
 * (except the running one, which is never dropped).
 */
export class EventLog {
  private readonly runs: GenerationLog[] = [];
  private total = 0;
  /** Bumped on every change, for views that show counts. */
  version = 0;

  constructor(private readonly limits: EventLogLimits = DEFAULT_LOG_LIMITS) {}

  record(event: StreamEvent, context: StreamContext, t: number = Date.now()): void {
    let run = this.runs.at(-1);
    if (!run || run.requestId !== context.requestId) {
      run = { ...context, events: [] };
      this.runs.push(run);
    }
    run.events.push({ t, event });
    this.total++;
    this.version++;
    while (
      this.runs.length > 1 &&
      (this.runs.length > this.limits.maxGenerations || this.total > this.limits.maxEvents)
    ) {
      this.total -= this.runs.shift()?.events.length ?? 0;
    }
  }

  get generations(): readonly GenerationLog[] {
    return this.runs;
  }

  get size(): number {
    return this.total;
  }

  clear(): void {
    this.runs.length = 0;
    this.total = 0;
    this.version++;
  }

  /** One JSON object per line: when, which operation, then the event's own fields. */
  toNdjson(): string {
    let out = '';
    for (const run of this.runs) {
      const op = { requestId: run.requestId, owner: run.owner, model: run.model, backend: run.backend };
      for (const { t, event } of run.events) out += `${JSON.stringify({ t, ...op, ...event })}\n`;
    }
    return out;
  }
}

/** Reads an NDJSON export back (tests, and anyone checking a file). */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const logs = new WeakMap<object, EventLog>();

/** The page's event log for a bridge: created and subscribed on first use, then shared. */
export function eventLogFor(bridge: {
  subscribe(listener: (event: StreamEvent, context: StreamContext) => void): () => void;
}): EventLog {
  let log = logs.get(bridge);
  if (!log) {
    const created = new EventLog();
    bridge.subscribe((event, context) => created.record(event, context));
    logs.set(bridge, created);
    log = created;
  }
  return log;
}
