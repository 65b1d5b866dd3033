import { describe, expect, it } from 'vitest';
import { DisplayPipeline, type DisplaySettings } from './display-pipeline';

const OFF: DisplaySettings = { redactWords: '', normalizeWhitespace: false, pacing: 'off', pacingCharsPerSecond: '' };

describe('DisplayPipeline', () => {
  it('filters, paces and analyses, and finish() shows everything', () => {
    const p = new DisplayPipeline({ ...OFF, redactWords: 'secret', pacing: 'calm' });
    p.push('a secret and more text that is long');
    const first = p.release(0);
    expect(first.length).toBeLessThanOrEqual(10);
    expect(p.waiting).toBeGreaterThan(0);
    expect(first + p.finish()).toBe('a ██████ and more text that is long');
    expect(p.analysis(1000)).toMatchObject({ words: 8, charsPerSecond: 35 });
  });

  it('shows text as it comes when pacing is off', () => {
    const p = new DisplayPipeline(OFF);
    p.push('abc');
    expect(p.release(0)).toBe('abc');
    expect(p.finish()).toBe('');
  });
});
