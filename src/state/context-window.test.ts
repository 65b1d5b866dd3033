import { describe, expect, it } from 'vitest';
import type { ChatEntry } from './chat-slice';
import { buildContext, evictedEntryIds, evictionNotice, parseContextLimit } from './context-window';

const entry = (id: string, role: 'user' | 'assistant', extra: Partial<ChatEntry> = {}): ChatEntry => ({
  id,
  role,
  content: id,
  status: 'complete',
  ...extra,
});

describe('buildContext', () => {
  const entries = [
    entry('u1', 'user', { outOfContext: true }),
    entry('a1', 'assistant', { outOfContext: true, tokenIds: [1], tokenModel: 'm' }),
    entry('u2', 'user'),
    entry('a2', 'assistant', { tokenIds: [5, 6], tokenModel: 'm' }),
    entry('u3', 'user'),
  ];

  it('leaves out evicted turns and sends the ids of the current model only', () => {
    const ctx = buildContext('Be brief.', entries, 'm');
    expect(ctx.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'u2' },
      { role: 'assistant', content: 'a2', tokenIds: [5, 6] },
      { role: 'user', content: 'u3' },
    ]);
    expect(ctx.entryIds).toEqual(['u2', 'a2', 'u3']);
    expect(buildContext('', entries, 'other').messages[1]).toEqual({ role: 'assistant', content: 'a2' });
  });

  it('maps the engine’s evicted count to the oldest entries sent', () => {
    expect(evictedEntryIds(buildContext('S', entries, 'm'), 2)).toEqual(['u2', 'a2']);
  });
});

describe('evictionNotice', () => {
  it('says once how many messages are left out', () => {
    expect(evictionNotice([entry('u', 'user')])).toBeNull();
    expect(
      evictionNotice([entry('u', 'user', { outOfContext: true }), entry('a', 'assistant', { outOfContext: true })]),
    ).toBe("Earlier messages no longer fit the model's context; the oldest 2 are left out.");
  });
});

describe('parseContextLimit', () => {
  it('takes empty as the model’s own and rejects what is not a whole number of at least 16', () => {
    expect(parseContextLimit('')).toEqual({});
    expect(parseContextLimit(' 512 ')).toEqual({ value: 512 });
    expect(parseContextLimit('8').error).toMatch(/at least 16/);
    expect(parseContextLimit('1.5').error).toMatch(/whole number/);
  });
});
