import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol';
import type { PromptTokenizer } from './prompt-ids';
import { planPrompt } from './prompt-plan';

/** One token per character; the template adds 2 tokens per message and 1 for the generation prompt. */
const tokenizer: PromptTokenizer = {
  apply_chat_template: (messages: { role: string; content: string }[]) =>
    messages.map((m) => `<${m.content}>`).join('') + '|',
  encode: (text: string) => Array.from(text, (c) => c.charCodeAt(0)),
  decode: (ids: number[]) => String.fromCharCode(...ids),
};

const sys: ChatMessage = { role: 'system', content: 'S' };
const turn = (n: number): ChatMessage[] => [
  { role: 'user', content: `q${n}xxxx` },
  { role: 'assistant', content: `a${n}yyyy` },
];

describe('planPrompt', () => {
  it('keeps a chat that fits as it is', () => {
    const plan = planPrompt(tokenizer, { messages: [sys, { role: 'user', content: 'hi' }] }, 8, 64);
    expect(plan).toMatchObject({ evicted: 0, maxTokens: 8 });
    expect(plan.promptIds.length).toBe(3 + 4 + 1);
  });

  it('leaves out the oldest turns whole when the chat outgrows contextLength − maxTokens', () => {
    const messages = [sys, ...turn(1), ...turn(2), ...turn(3), { role: 'user' as const, content: 'last' }];
    // 3 + 3×(8+8) + 6 + 1 = 58 tokens; budget 64 − 16 = 48.
    const plan = planPrompt(tokenizer, { messages }, 16, 64);
    expect(plan.evicted % 2).toBe(0);
    expect(plan.evicted).toBeGreaterThan(0);
    expect(plan.promptIds.length + plan.maxTokens).toBeLessThanOrEqual(64);
    expect(plan.promptIds.slice(0, 3)).toEqual(tokenizer.encode('<S>'));
  });

  it('names the tokens of a last message too long for the context, and what fits', () => {
    const long: ChatMessage = { role: 'user', content: 'z'.repeat(100) };
    expect(() => planPrompt(tokenizer, { messages: [sys, ...turn(1), long] }, 8, 64)).toThrow(
      /Your message is 100 tokens, but the model's context holds 64 tokens, so a message can have at most 57/,
    );
  });

  it('a raw prompt longer than the context is ContextOverflow', () => {
    expect(() => planPrompt(tokenizer, { prompt: 'p'.repeat(70) }, 8, 64)).toThrow(/70 tokens/);
  });
});
