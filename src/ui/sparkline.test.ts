import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline';

describe('sparkline', () => {
  it('scales from zero to the maximum across the box', () => {
    const { path, max } = sparkline([0, 50, 100], 102, 22, 1);
    expect(max).toBe(100);
    expect(path).toBe('M1.0 21.0 L51.0 11.0 L101.0 1.0');
  });

  it('draws nothing until there are two points', () => {
    expect(sparkline([40], 100, 20).path).toBe('');
    expect(sparkline([], 100, 20).path).toBe('');
  });

  it('ignores non-finite samples', () => {
    expect(sparkline([10, Number.NaN, 10], 12, 12, 1).path).toBe('M1.0 1.0 L11.0 1.0');
  });
});
