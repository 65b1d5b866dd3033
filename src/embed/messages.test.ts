import { describe, expect, it } from 'vitest';
import { parseHostMessage, parseWidgetMessage } from './messages';

describe('parseHostMessage', () => {
  it('accepts a prompt generate and keeps only known fields', () => {
    const parsed = parseHostMessage({
      v: 1,
      type: 'typewriter:generate',
      id: 'req-1',
      prompt: 'Hi',
      options: { maxTokens: 8, temperature: 0, stop: ['\n'], system: 'Be brief', extra: 1 },
      extra: 'dropped',
    });
    expect(parsed).toEqual({
      ok: true,
      message: {
        v: 1,
        type: 'typewriter:generate',
        id: 'req-1',
        prompt: 'Hi',
        options: { maxTokens: 8, temperature: 0, stop: ['\n'], system: 'Be brief' },
      },
    });
  });

  it('accepts chat messages and control messages', () => {
    const chat = parseHostMessage({
      v: 1,
      type: 'typewriter:generate',
      id: 'a',
      messages: [{ role: 'user', content: 'Hi', junk: true }],
    });
    expect(chat.ok && chat.message).toEqual({
      v: 1,
      type: 'typewriter:generate',
      id: 'a',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    for (const type of ['typewriter:pause', 'typewriter:resume', 'typewriter:stop']) {
      expect(parseHostMessage({ v: 1, type, id: 'a' })).toEqual({ ok: true, message: { v: 1, type, id: 'a' } });
    }
    expect(parseHostMessage({ v: 1, type: 'typewriter:load', model: 'demo' }).ok).toBe(true);
  });

  it.each([
    ['unknown version', { v: 2, type: 'typewriter:generate', id: 'a', prompt: 'x' }, /version/],
    ['missing version', { type: 'typewriter:generate', id: 'a', prompt: 'x' }, /version/],
    ['string version', { v: '1', type: 'typewriter:generate', id: 'a', prompt: 'x' }, /version/],
    ['not an object', 'typewriter:generate', /not an object/],
    ['null', null, /not an object/],
    ['an array', [1], /not an object/],
    ['foreign type', { v: 1, type: 'webpackOk' }, /typewriter/],
    ['unknown type', { v: 1, type: 'typewriter:explode', id: 'a' }, /unknown message type/],
    ['no id', { v: 1, type: 'typewriter:generate', prompt: 'x' }, /id/],
    ['bad id', { v: 1, type: 'typewriter:generate', id: '<script>', prompt: 'x' }, /id/],
    [
      'both prompt and messages',
      { v: 1, type: 'typewriter:generate', id: 'a', prompt: 'x', messages: [] },
      /exactly one/,
    ],
    ['neither prompt nor messages', { v: 1, type: 'typewriter:generate', id: 'a' }, /exactly one/],
    ['numeric prompt', { v: 1, type: 'typewriter:generate', id: 'a', prompt: 5 }, /prompt/],
    ['bad role', { v: 1, type: 'typewriter:generate', id: 'a', messages: [{ role: 'root', content: 'x' }] }, /role/],
    [
      'string maxTokens',
      { v: 1, type: 'typewriter:generate', id: 'a', prompt: 'x', options: { maxTokens: '9' } },
      /maxTokens/,
    ],
    [
      'NaN temperature',
      { v: 1, type: 'typewriter:generate', id: 'a', prompt: 'x', options: { temperature: NaN } },
      /temperature/,
    ],
    ['stop not strings', { v: 1, type: 'typewriter:generate', id: 'a', prompt: 'x', options: { stop: [1] } }, /stop/],
    ['pause without id', { v: 1, type: 'typewriter:pause' }, /id/],
    ['load without model', { v: 1, type: 'typewriter:load' }, /model/],
    ['load with bad backend', { v: 1, type: 'typewriter:load', model: 'demo', backend: 'cuda' }, /backend/],
  ])('refuses %s', (_label, data, reason) => {
    const parsed = parseHostMessage(data);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('parseWidgetMessage', () => {
  it('accepts widget messages and refuses host ones', () => {
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:token', id: 'a', text: 'x', index: 0 }).ok).toBe(true);
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:resize', height: 120 }).ok).toBe(true);
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:generate', id: 'a', prompt: 'x' }).ok).toBe(false);
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:token', id: 'a', text: 'x' }).ok).toBe(false);
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:resize', height: Infinity }).ok).toBe(false);
    expect(parseWidgetMessage({ v: 9, type: 'typewriter:done', id: 'a', text: '' }).ok).toBe(false);
  });
});
