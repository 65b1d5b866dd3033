import { describe, expect, it, vi } from 'vitest';
import { createDebugLog } from './refusal-log';
import { createParentChannel } from './parent-channel';

const GOOD = 'https://good.example';

function setup(ancestorOrigin: string | null = null) {
  const target = new EventTarget();
  const parent = { postMessage: vi.fn() };
  const log = createDebugLog(200, () => {});
  const onCommand = vi.fn();
  const channel = createParentChannel({
    self: target as unknown as Window,
    parent,
    accepted: [GOOD],
    hints: { ancestorOrigin, referrer: '' },
    log,
    onCommand,
  });
  const deliver = (data: unknown, origin = GOOD, source: unknown = parent) =>
    // Node's MessageEvent only takes MessagePort sources; the channel reads just these three fields.
    target.dispatchEvent(Object.assign(new Event('message'), { data, origin, source }));
  return { parent, log, onCommand, channel, deliver };
}

const generate = { v: 1, type: 'typewriter:generate', id: 'g1', prompt: 'Hi' };

describe('parent channel', () => {
  it('obeys a valid command from the parent at an allowed origin', () => {
    const { onCommand, deliver, log } = setup();
    deliver(generate);
    expect(onCommand).toHaveBeenCalledWith(generate);
    expect(log.entries).toEqual([]);
  });

  it.each([
    ['a look-alike origin', 'https://good.example.evil.net'],
    ['a prefix origin', 'https://good.exampl'],
    ['another scheme', 'http://good.example'],
    ['an opaque origin', 'null'],
  ])('refuses %s and logs it', (_label, origin) => {
    const { onCommand, deliver, log } = setup();
    deliver(generate, origin);
    expect(onCommand).not.toHaveBeenCalled();
    expect(log.entries).toEqual([expect.objectContaining({ kind: 'refused-origin', origin })]);
  });

  it('applies the allowlist to API requests (the SDK fetch) like every command', () => {
    const { onCommand, deliver, log } = setup();
    const fetch = { v: 1, type: 'typewriter:fetch', id: 'f1', method: 'GET', path: '/v1/models' };
    deliver(fetch, 'https://good.example.evil.net');
    deliver({ ...fetch, path: '/v1/../admin' }, GOOD);
    expect(onCommand).not.toHaveBeenCalled();
    expect(log.entries.map((e) => e.kind)).toEqual(['refused-origin', 'malformed']);
    deliver(fetch);
    expect(onCommand).toHaveBeenCalledWith(fetch);
  });

  it('refuses an allowed origin that is not the parent window', () => {
    const { onCommand, deliver, log } = setup();
    deliver(generate, GOOD, { postMessage() {} });
    expect(onCommand).not.toHaveBeenCalled();
    expect(log.entries[0]?.kind).toBe('refused-source');
  });

  it('ignores malformed messages and unknown versions, logging why', () => {
    const { onCommand, deliver, log } = setup();
    deliver({ ...generate, v: 2 });
    deliver({ type: 'typewriter:generate', id: 'x' });
    deliver('typewriter:generate');
    expect(onCommand).not.toHaveBeenCalled();
    expect(log.entries.map((e) => e.kind)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(log.entries[0]?.detail).toMatch(/version/);
  });

  it('posts nowhere before the parent origin is known, never with "*"', () => {
    const { channel, parent } = setup();
    expect(channel.post('typewriter:resize', { height: 10 })).toBe(false);
    expect(parent.postMessage).not.toHaveBeenCalled();
  });

  it('posts to an accepted ancestor origin before any command', () => {
    const { channel, parent } = setup(GOOD);
    channel.post('typewriter:resize', { height: 10 });
    expect(parent.postMessage).toHaveBeenCalledWith({ v: 1, type: 'typewriter:resize', height: 10 }, GOOD);
  });

  it('does not post to a refused ancestor origin', () => {
    const { channel, parent } = setup('https://good.example.evil.net');
    expect(channel.post('typewriter:resize', { height: 10 })).toBe(false);
    expect(parent.postMessage).not.toHaveBeenCalled();
  });

  it('posts to the verified origin after the first valid command', () => {
    const { channel, parent, deliver } = setup();
    deliver(generate);
    channel.post('typewriter:done', { id: 'g1', reason: 'length', text: '' });
    expect(parent.postMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'typewriter:done' }), GOOD);
  });
});
