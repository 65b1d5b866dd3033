import { describe, expect, it } from 'vitest';
import { analyticsReport, analyzeGeneration, analyzeSession, percentile } from './analytics';
import { fakeRun } from './test-events';

describe('analytics', () => {
  it('nearest-rank percentiles', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 95)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });

  it('analyses one generation: delays, TTFT, rates, pauses', () => {
    const run = fakeRun(
      'a',
      [
        ['a', 20],
        ['b', 30],
        ['c', 50],
        ['d', 1080],
        ['e', 1090],
      ],
      { reason: 'length', stats: { pausedMs: 1000 } },
      [
        { at: 60, event: { type: 'paused', timestamp: 60 } },
        { at: 1060, event: { type: 'resumed', timestamp: 1060 } },
      ],
    );
    const a = analyzeGeneration(run);
    expect(a).toMatchObject({ outcome: 'success', finishReason: 'length', tokens: 5, ttftMs: 20, tokensPerSecond: 50 });
    // 10, 20, (pause gap skipped), 10
    expect(a.interTokenMs).toEqual({ average: 40 / 3, p50: 10, p95: 20, max: 20 });
    expect(a.pauses).toEqual({ count: 1, totalMs: 1000 });
  });

  it('falls back to receipt times for TTFT when no stats arrived, and marks a run without an end as running', () => {
    const a = analyzeGeneration(fakeRun('b', [['x', 35]]));
    expect(a).toMatchObject({ outcome: 'running', ttftMs: 35, tokensPerSecond: null, tokens: 1 });
  });

  it('session: success rate excludes user stops; averages over runs that have the figure', () => {
    const runs = [
      analyzeGeneration(fakeRun('1', [['a', 1]], { reason: 'eos', stats: { ttftMs: 10, averageDecodeTokPerS: 100 } })),
      analyzeGeneration(
        fakeRun('2', [['a', 1]], { reason: 'stopped', stats: { ttftMs: 30, averageDecodeTokPerS: 50 } }),
      ),
      analyzeGeneration(fakeRun('3', [['a', 1]], { error: 'boom' })),
      analyzeGeneration(fakeRun('4', [['a', 1]], { reason: 'length', stats: { ttftMs: 20, averageDecodeTokPerS: 0 } })),
    ];
    const s = analyzeSession(runs);
    expect(s).toMatchObject({ generations: 4, succeeded: 2, stopped: 1, failed: 1, running: 0 });
    expect(s.successRate).toBeCloseTo(2 / 3);
    expect(s.averageTtftMs).toBeCloseTo((10 + 30 + 1 + 20) / 4);
    expect(s.averageTokensPerSecond).toBeCloseTo(50);
    expect(analyzeSession([]).successRate).toBeNull();
  });

  it('builds the export report', () => {
    const report = analyticsReport([fakeRun('1', [['a', 1]], { reason: 'eos' })], 0);
    expect(report.exportedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(report.generations).toHaveLength(1);
    expect(report.session.generations).toBe(1);
  });
});
