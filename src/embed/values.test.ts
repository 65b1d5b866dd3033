import { describe, expect, it } from 'vitest';
import { parseHostMessage } from './messages';

const generate = (extra: Record<string, unknown>) => ({ v: 1, type: 'typewriter:generate', id: 'g1', ...extra });

describe('the embed boundary checks values, not just shapes', () => {
  it.each([
    [{ prompt: 'hi', options: { temperature: 99 } }, /temperature/],
    [{ prompt: 'hi', options: { topP: 0 } }, /topP must be a number greater than 0/],
    [{ prompt: 'hi', options: { stop: Array.from({ length: 9 }, (_, i) => `s${i}`) } }, /at most 8 strings \(got 9\)/],
    [{ prompt: 'hi', options: { maxTokens: 1.5 } }, /maxTokens must be an integer/],
    [{ messages: [{ role: 'user', content: 'x'.repeat(2_000_000) }] }, /limit is 100000/],
    [{ messages: Array.from({ length: 1001 }, () => ({ role: 'user', content: 'x' })) }, /at most 1000 messages/],
  ])('%# refuses with the generation id so the host hears InvalidParams', (extra, reason) => {
    const parsed = parseHostMessage(generate(extra));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toMatch(reason);
    expect(parsed.invalidId).toBe('g1');
  });

  it('accepts repetitionPenalty and keeps it', () => {
    const parsed = parseHostMessage(generate({ prompt: 'hi', options: { repetitionPenalty: 1.2 } }));
    expect(parsed.ok && parsed.message.type === 'typewriter:generate' && parsed.message.options).toEqual({
      repetitionPenalty: 1.2,
    });
  });

  it('makes lone surrogates well-formed and keeps NUL and RTL text as written', () => {
    const parsed = parseHostMessage(
      generate({ messages: [{ role: 'user', content: 'a\uD800b\u0000 \u05E9\u05DC\u05D5\u05DD' }] }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.message.type !== 'typewriter:generate' || !parsed.message.messages) return;
    expect(parsed.message.messages[0]?.content).toBe('a\uFFFDb\u0000 \u05E9\u05DC\u05D5\u05DD');
  });
});
