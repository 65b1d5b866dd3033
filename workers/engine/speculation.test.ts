import { describe, expect, it } from 'vitest';
import { DRAFT_TOKENS, SpeculationPolicy } from './speculation';

const greedy = { temperature: 0 };

function trained(singleMs: number, verifyMs: number, produced: number): SpeculationPolicy {
  const p = new SpeculationPolicy();
  for (let i = 0; i < 5; i++) {
    p.record(singleMs, 0, 1);
    p.record(verifyMs, DRAFT_TOKENS, produced);
  }
  return p;
}

describe('SpeculationPolicy', () => {
  it('never speculates when sampling or when off; always when on (greedy)', () => {
    const p = trained(10, 100, 1);
    expect(p.draftBudget({ temperature: 0.7, speculative: 'on' })).toBe(0);
    expect(p.draftBudget({ ...greedy, speculative: 'off' })).toBe(0);
    expect(p.draftBudget({ ...greedy, speculative: 'on' })).toBe(DRAFT_TOKENS);
  });

  it('auto explores first, then drafts only while verify passes pay for their cost', () => {
    expect(new SpeculationPolicy().draftBudget(greedy)).toBe(DRAFT_TOKENS);
    // A 5-row pass costs 1.2 single passes and yields 2 tokens: worth it.
    expect(trained(10, 12, 2).draftBudget(greedy)).toBe(DRAFT_TOKENS);
    // It costs 2.5 single passes and yields 2 tokens: not worth it.
    expect(trained(10, 25, 2).draftBudget(greedy)).toBe(0);
  });

  it('auto probes again now and then while holding back', () => {
    const p = trained(10, 25, 2);
    const budgets = Array.from({ length: 32 }, () => p.draftBudget(greedy));
    expect(budgets.filter((b) => b > 0).length).toBe(2);
  });
});
