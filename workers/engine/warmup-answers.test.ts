import { describe, expect, it } from 'vitest';
import type { GenerateRequest, StreamEvent } from '../protocol';
import { DEFAULT_ANSWER_WARMUP, tokensPerAnswer, warmUpAnswers, type AnswerWarmupDeps } from './warmup-answers';

/**
 * A scripted engine: each answer costs `passMs[i]` per forward pass on a clock the test owns, so
 * the warm-up's decisions (how many answers, how long each) are checked without real time.
 */
function scripted(passMs: readonly number[], settledPassMs: number, signal = new AbortController().signal) {
  let clock = 0;
  let passes = 0;
  let forwardMs = 0;
  const requests: GenerateRequest[] = [];
  const deps: AnswerWarmupDeps = {
    settledPassMs,
    signal,
    now: () => clock,
    forward: () => ({ passes, ms: forwardMs }),
    generate: async (request) => {
      const ms = passMs[Math.min(requests.length, passMs.length - 1)] ?? 1;
      requests.push(request);
      const tokens = request.maxTokens ?? 0;
      return new ReadableStream<StreamEvent>({
        start(controller) {
          for (let i = 0; i < tokens; i++) {
            passes++;
            forwardMs += ms;
            clock += ms;
            controller.enqueue({ type: 'token', id: i, text: 'x', index: i } as unknown as StreamEvent);
          }
          controller.close();
        },
      });
    },
  };
  return { deps, requests };
}

describe('warmUpAnswers', () => {
  it('runs the three sampling answers, then stops once passes are back at the settled time', async () => {
    const { deps, requests } = scripted([1, 1, 1], 1);
    const report = await warmUpAnswers(deps);
    expect(report.answers).toBe(3);
    expect(requests.map((r) => r.temperature)).toEqual([0, 0.7, 0]);
    expect(requests.every((r) => r.keepCacheMs === 0 && r.maxTokens === 48)).toBe(true);
  });

  it('keeps answering while background compilation still slows the passes, and stops when they recover', async () => {
    // Answers 1-5 run at 3x the settled pass time (TurboFan still compiling), answer 6 at speed.
    const { deps } = scripted([3, 3, 3, 3, 2.5, 1.1], 1);
    const report = await warmUpAnswers(deps);
    expect(report.answers).toBe(6);
    expect(report.lastForwardMs).toBeCloseTo(1.1);
    expect(report.fastestForwardMs).toBeCloseTo(1.1);
  });

  it('reports the fastest answer next to the last, for the bench to see whether the warm-up ended slow', async () => {
    const report = await warmUpAnswers(scripted([3, 1, 2], 1).deps);
    expect(report.fastestForwardMs).toBe(1);
    expect(report.lastForwardMs).toBe(2);
  });

  it('gives up at the budget when passes never recover', async () => {
    const { deps } = scripted([10], 1);
    const report = await warmUpAnswers(deps);
    // 48 tokens × 10 ms = 480 ms an answer: six fit in 3 s, a seventh would not.
    expect(report.answers).toBe(6);
    expect(report.ms).toBeLessThanOrEqual(DEFAULT_ANSWER_WARMUP.budgetMs);
  });

  it('shortens the answers of a large model to a few tokens, so the budget holds', async () => {
    // 135M-shaped fp32 on one WASM thread: ~70 ms a pass.
    expect(tokensPerAnswer(70, DEFAULT_ANSWER_WARMUP)).toBe(7);
    expect(tokensPerAnswer(400, DEFAULT_ANSWER_WARMUP)).toBe(DEFAULT_ANSWER_WARMUP.minTokens);
    expect(tokensPerAnswer(1, DEFAULT_ANSWER_WARMUP)).toBe(DEFAULT_ANSWER_WARMUP.maxTokens);
    const { deps, requests } = scripted([70, 70, 70, 70], 70);
    const report = await warmUpAnswers(deps);
    expect(requests.every((r) => r.maxTokens === 7)).toBe(true);
    expect(report.ms).toBeLessThanOrEqual(DEFAULT_ANSWER_WARMUP.budgetMs);
  });

  it('runs one answer at most when the model is so slow that one answer passes the budget', async () => {
    const { deps } = scripted([1000], 1000);
    const report = await warmUpAnswers(deps);
    expect(report.answers).toBe(1);
  });

  it('runs one shortest answer when the decode warm-up could not time a pass (SwiftShader WebGPU)', async () => {
    // Shader compilation made every pass slower than the whole decode budget: no settled time.
    const { deps, requests } = scripted([1200], NaN);
    const report = await warmUpAnswers(deps);
    expect(report.answers).toBe(1);
    expect(requests.map((r) => r.maxTokens)).toEqual([DEFAULT_ANSWER_WARMUP.minTokens]);
  });

  it('on a cold compile, keeps answering past the settled passes until the compile is likely done', async () => {
    const { deps } = scripted([1], 1);
    // 48 tokens × 1 ms an answer; a cold compile until t = 1000 ms.
    const report = await warmUpAnswers({ ...deps, until: 1000 });
    expect(report.answers).toBe(Math.floor(1000 / 48));
    expect(report.ms).toBeLessThanOrEqual(1000);
    expect((await warmUpAnswers(scripted([1], 1).deps)).answers).toBe(3);
    expect((await warmUpAnswers({ ...scripted([1], 1).deps, until: null })).answers).toBe(3);
  });

  it('caps what a cold compile adds at coldBudgetMs', async () => {
    const { deps } = scripted([1], 1);
    const report = await warmUpAnswers({ ...deps, until: 60_000 });
    expect(report.ms).toBeLessThanOrEqual(DEFAULT_ANSWER_WARMUP.coldBudgetMs);
    expect(report.ms).toBeGreaterThan(DEFAULT_ANSWER_WARMUP.coldBudgetMs - 48);
  });

  it('stops on abort (a newer load)', async () => {
    const controller = new AbortController();
    controller.abort();
    const { deps, requests } = scripted([1], 1, controller.signal);
    expect((await warmUpAnswers(deps)).answers).toBe(0);
    expect(requests).toEqual([]);
  });
});
