import type { GenerationStats, StreamEvent } from '../../workers/protocol';
import type { GenerationLog } from './event-log';

/** Test helper: a generation's log from token texts and their engine timestamps. */
export function fakeRun(
  requestId: string,
  tokens: readonly [text: string, timestamp: number][],
  end: {
    reason?: 'eos' | 'length' | 'stop-sequence' | 'stopped';
    error?: string;
    stats?: Partial<GenerationStats>;
  } = {},
  extra: { at: number; event: StreamEvent }[] = [],
): GenerationLog {
  const stats: GenerationStats = {
    promptTokens: 5,
    tokens: tokens.length,
    maxTokens: 100,
    ttftMs: 20,
    prefillTokPerS: 250,
    decodeTokPerS: 50,
    averageDecodeTokPerS: 50,
    elapsedMs: 100,
    pausedMs: 0,
    etaMs: 0,
    ...end.stats,
  };
  const events: GenerationLog['events'] = [
    { t: 0, event: { type: 'start', requestId, promptTokens: 5, maxTokens: 100, timestamp: 0 } },
    ...tokens.map(([text, timestamp], index) => ({
      t: timestamp,
      event: { type: 'token' as const, id: index, text, index, timestamp },
    })),
    ...extra.map(({ at, event }) => ({ t: at, event })),
  ];
  events.sort((a, b) => a.t - b.t);
  const last = tokens.at(-1)?.[1] ?? 0;
  if (end.error) events.push({ t: last + 1, event: { type: 'error', name: 'GenerationError', message: end.error } });
  else if (end.reason)
    events.push({
      t: last + 1,
      event: { type: 'done', reason: end.reason, text: tokens.map(([t]) => t).join(''), stats },
    });
  return { requestId, owner: 'chat', model: 'demo', backend: 'wasm', events };
}
