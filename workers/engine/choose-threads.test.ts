import { describe, expect, it } from 'vitest';
import { chooseThreads } from './backend';

describe('chooseThreads', () => {
  it('leaves one core to the page when cross-origin isolated', () => {
    expect(chooseThreads(undefined, 2, true).threads).toBe(1);
    expect(chooseThreads(undefined, 4, true).threads).toBe(3);
    expect(chooseThreads(undefined, 2, true).reason).toContain('one left for the page');
  });

  it('never goes below 1 or above 4', () => {
    expect(chooseThreads(undefined, 1, true).threads).toBe(1);
    expect(chooseThreads(undefined, 16, true)).toMatchObject({ threads: 4 });
  });

  it('is single-threaded without isolation, whatever was asked', () => {
    expect(chooseThreads(2, 8, false)).toMatchObject({ threads: 1 });
    expect(chooseThreads(undefined, 8, false).reason).toContain('not cross-origin isolated');
  });

  it('takes an explicit count when isolated', () => {
    expect(chooseThreads(2, 2, true)).toEqual({ threads: 2, reason: '2 requested' });
  });
});
