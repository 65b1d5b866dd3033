import type { StreamEvent } from '../../workers/protocol';

/** Stream events as an engine run sends them, for unit tests of what reads them. */
export const start = (maxTokens: number, promptTokens = 5): StreamEvent =>
  ({ type: 'start', requestId: 'r', promptTokens, maxTokens, timestamp: 0 }) as unknown as StreamEvent;

export const token = (id: number, index: number, text: string): StreamEvent => ({
  type: 'token',
  id,
  index,
  text,
  timestamp: 0,
});
