import { describe, expect, it } from 'vitest';
import { applyRepetitionPenalty, argmax, createRng, Sampler, topKIndices } from './sampler';

const base = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, seed: 7 };

function histogram(options: typeof base, logits: number[], draws: number): number[] {
  const sampler = new Sampler(options);
  const counts = logits.map(() => 0);
  for (let i = 0; i < draws; i++) {
    const id = sampler.sample(Float32Array.from(logits), []);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('Sampler', () => {
  it('is greedy at temperature 0 and takes the first of equal maxima', () => {
    const sampler = new Sampler({ ...base, temperature: 0 });
    expect(sampler.sample(Float32Array.from([1, 5, 5, 2]), [])).toBe(1);
    expect(argmax([-3, -1, -2])).toBe(1);
  });

  it('reproduces the same sequence for the same seed and differs for another', () => {
    const logits = [0.1, 0.5, 0.2, 0.9, 0.3, 0.4];
    const run = (seed: number) => {
      const s = new Sampler({ ...base, seed });
      return Array.from({ length: 50 }, () => s.sample(Float32Array.from(logits), []));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('follows the softmax distribution at temperature 1', () => {
    const counts = histogram(base, [0, Math.log(3)], 20_000);
    expect((counts[1] ?? 0) / 20_000).toBeCloseTo(0.75, 1);
  });

  it('sharpens with low temperature and flattens with high temperature', () => {
    const logits = [0, 1];
    const cold = histogram({ ...base, temperature: 0.2 }, logits, 5000);
    const hot = histogram({ ...base, temperature: 5 }, logits, 5000);
    expect((cold[1] ?? 0) / 5000).toBeGreaterThan(0.95);
    expect((hot[1] ?? 0) / 5000).toBeLessThan(0.6);
  });

  it('never samples outside top-k', () => {
    const counts = histogram({ ...base, topK: 2 }, [3, 0, 2.9, 1, 2.5], 3000);
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(counts[4]).toBe(0);
  });

  it('keeps the smallest nucleus that reaches top-p', () => {
    // probabilities ≈ 0.64, 0.24, 0.09, 0.03: top-p 0.8 keeps the first two only.
    const logits = [Math.log(0.64), Math.log(0.24), Math.log(0.09), Math.log(0.03)];
    const counts = histogram({ ...base, topP: 0.8 }, logits, 4000);
    expect(counts[2]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  it('applies the repetition penalty with HF semantics', () => {
    const logits = Float32Array.from([2, -2, 1]);
    applyRepetitionPenalty(logits, [0, 1], 2);
    expect(Array.from(logits)).toEqual([1, -4, 1]);
    const sampler = new Sampler({ ...base, temperature: 0, repetitionPenalty: 3 });
    expect(sampler.sample(Float32Array.from([2, 1]), [0])).toBe(1);
  });
});

describe('topKIndices', () => {
  it('returns the k largest, largest first', () => {
    expect(topKIndices(Float32Array.from([1, 9, 3, 7, 5]), 3)).toEqual([1, 3, 4]);
  });
});

describe('createRng', () => {
  it('yields numbers in [0, 1)', () => {
    const r = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const v = r();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
