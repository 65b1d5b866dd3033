import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatEta, formatRate, fraction } from './format';

describe('format', () => {
  it('formats durations for ETAs and TTFT', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(65_000)).toBe('1 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatEta(2500)).toBe('ETA 2.5 s');
    expect(formatEta(null)).toBe('ETA —');
  });

  it('formats rates and sizes with units', () => {
    expect(formatRate(42.13)).toBe('42.1 tok/s');
    expect(formatRate(312.7)).toBe('313 tok/s');
    expect(formatRate(null)).toBe('— tok/s');
    expect(formatBytes(134_000_000)).toBe('134 MB');
    expect(formatBytes(1_070_000_000)).toBe('1.1 GB');
    expect(formatBytes(512)).toBe('512 B');
  });

  it('clamps progress fractions and reports unknown totals', () => {
    expect(fraction(50, 200)).toBe(0.25);
    expect(fraction(300, 200)).toBe(1);
    expect(fraction(5, null)).toBeNull();
  });
});
