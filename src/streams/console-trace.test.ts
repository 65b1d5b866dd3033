import { describe, expect, it, vi } from 'vitest';
import { createDebugLogger, debugRequested } from './console-trace';

const ctx = { requestId: 'r1', owner: 'chat', model: 'demo', backend: 'wasm' as const };

describe('debug logger', () => {
  it('prints nothing while off, not even per token', () => {
    const sink = { debug: vi.fn() };
    const log = createDebugLogger(() => false, sink);
    log.event({ type: 'token', id: 1, text: 'a', index: 0, timestamp: 1 }, ctx);
    log.note('load started');
    expect(sink.debug).not.toHaveBeenCalled();
  });

  it('prints timestamped lines with the request id when on', () => {
    const sink = { debug: vi.fn() };
    const log = createDebugLogger(
      () => true,
      sink,
      () => Date.UTC(2026, 0, 1, 12, 34, 56, 789),
    );
    log.event({ type: 'token', id: 1, text: 'a', index: 0, timestamp: 1 }, ctx);
    expect(sink.debug).toHaveBeenCalledWith('[typewriter 12:34:56.789] r1 token', {
      id: 1,
      text: 'a',
      index: 0,
      timestamp: 1,
    });
  });

  it('reads ?debug from the URL', () => {
    expect(debugRequested('?debug')).toBe(true);
    expect(debugRequested('?debug=1')).toBe(true);
    expect(debugRequested('?debug=0')).toBe(false);
    expect(debugRequested('?embed')).toBe(false);
  });
});
