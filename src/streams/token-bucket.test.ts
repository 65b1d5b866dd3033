import { describe, expect, it } from 'vitest';
import { pacingRate, TextPacer, TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('starts full, refills at the rate, and caps at the burst', () => {
    const b = new TokenBucket(10, 5);
    expect(b.take(0, 100)).toBe(5);
    expect(b.take(100, 100)).toBe(1);
    expect(b.take(10_000, 100)).toBe(5);
    expect(b.take(10_000, 100)).toBe(0);
  });
});

describe('TextPacer', () => {
  it('releases at most rate × time (plus the burst) and loses nothing', () => {
    const text = 'x'.repeat(1000);
    const p = new TextPacer(40);
    p.push(text);
    let shown = '';
    for (let t = 0; t <= 1000; t += 16) shown += p.release(t);
    expect(shown.length).toBeLessThanOrEqual(40 + 10 + 1);
    expect(shown.length).toBeGreaterThanOrEqual(40);
    shown += p.drain();
    expect(shown).toBe(text);
  });

  it('passes everything through at once when off', () => {
    const p = new TextPacer(pacingRate('off', 0));
    p.push('abc');
    expect(p.release(0)).toBe('abc');
  });

  it('does not turn an idle gap into a burst', () => {
    const p = new TextPacer(10);
    p.push('ab');
    p.release(0);
    p.release(1000);
    p.release(60_000);
    p.push('y'.repeat(100));
    expect(p.release(60_100).length).toBeLessThanOrEqual(3);
  });

  it('keeps surrogate pairs together', () => {
    const p = new TextPacer(4);
    p.push('a😀b😀');
    const out = [p.release(0), p.release(250), p.release(500), p.release(750)];
    for (const piece of out) expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
    expect(out.join('') + p.drain()).toBe('a😀b😀');
  });

  it('maps settings to a rate', () => {
    expect(pacingRate('calm', 0)).toBe(40);
    expect(pacingRate('custom', 120)).toBe(120);
    expect(pacingRate('custom', -1)).toBeNull();
    expect(pacingRate('off', 120)).toBeNull();
  });
});
