import type { StreamEvent } from '../../workers/protocol';
import type { StreamContext } from './event-log';

/**
 * Opt-in console log of bridge and engine events (`?debug` in the URL, or the Debug log setting).
 * Off by default; while off nothing is formatted or printed, token events included.
 */
export interface DebugSink {
  debug(...args: unknown[]): void;
}

export function debugRequested(search: string): boolean {
  const value = new URLSearchParams(search).get('debug');
  return value !== null && value !== '0' && value !== 'false';
}

const stamp = (t: number) => new Date(t).toISOString().slice(11, 23);

export function createDebugLogger(isEnabled: () => boolean, sink: DebugSink = console, now: () => number = Date.now) {
  return {
    /** A bridge stream subscriber. */
    event(event: StreamEvent, context: StreamContext): void {
      if (!isEnabled()) return;
      const { type, ...detail } = event;
      sink.debug(`[typewriter ${stamp(now())}] ${context.requestId} ${type}`, detail);
    },
    /** Anything else worth a line: loads, retries, fallbacks. */
    note(what: string, detail?: unknown): void {
      if (!isEnabled()) return;
      sink.debug(`[typewriter ${stamp(now())}] ${what}`, ...(detail === undefined ? [] : [detail]));
    },
  };
}
