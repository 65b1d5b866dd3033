import { describe, expect, it } from 'vitest';
import { detectSandbox } from './sandbox';

describe('detectSandbox', () => {
  it('names the fix for an opaque origin and passes normal origins', () => {
    expect(detectSandbox('null')).toMatch(/allow-scripts allow-same-origin/);
    expect(detectSandbox('https://app.example')).toBeNull();
  });
});
