import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol';
import { groupTurns, planEviction } from './eviction';

const sys: ChatMessage = { role: 'system', content: 'S' };
const u = (n: number): ChatMessage => ({ role: 'user', content: `u${n}` });
const a = (n: number): ChatMessage => ({ role: 'assistant', content: `a${n}` });
/** One token per message: easy budgets. */
const fits = (messages: ChatMessage[], budget: number) => messages.length <= budget;

describe('groupTurns', () => {
  it('keeps leading system messages apart and groups a user message with its replies', () => {
    const { system, turns } = groupTurns([sys, u(1), a(1), u(2), a(2), u(3)]);
    expect(system).toEqual([sys]);
    expect(turns).toEqual([[u(1), a(1)], [u(2), a(2)], [u(3)]]);
  });
});

describe('planEviction', () => {
  const chat = [sys, u(1), a(1), u(2), a(2), u(3), a(3), u(4)];

  it('drops nothing when everything fits', () => {
    expect(planEviction(chat, 8, fits)).toEqual({ messages: chat, evicted: 0, overflow: false });
  });

  it('keeps the system prompt and drops the oldest turns whole', () => {
    const plan = planEviction(chat, 6, fits, 0);
    expect(plan.messages).toEqual([sys, u(2), a(2), u(3), a(3), u(4)]);
    expect(plan.evicted).toBe(2);
    expect(plan.messages.filter((m) => m.role === 'user').length).toBe(
      plan.messages.filter((m) => m.role === 'assistant').length + 1,
    );
  });

  it('drops extra turns to leave slack, so the next turns keep their prefix', () => {
    const plan = planEviction(chat, 7, fits, 3);
    expect(plan.messages).toEqual([sys, u(3), a(3), u(4)]);
    expect(plan.evicted).toBe(4);
  });

  it('falls back to the bare budget when the slack cannot be met', () => {
    const plan = planEviction(chat, 3, fits, 2);
    expect(plan.messages).toEqual([sys, u(4)]);
    expect(plan.overflow).toBe(false);
  });

  it('reports overflow when the last user message alone does not fit', () => {
    const plan = planEviction(chat, 1, fits, 0);
    expect(plan).toEqual({ messages: [sys, u(4)], evicted: 6, overflow: true });
  });

  it('never drops the system prompt even without turns to drop', () => {
    expect(planEviction([sys, u(1)], 1, fits, 0)).toEqual({ messages: [sys, u(1)], evicted: 0, overflow: true });
  });
});
