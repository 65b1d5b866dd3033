import { describe, expect, it } from 'vitest';
import { APP_ERROR_NAMES, describeError, ENGINE_ERROR_NAMES, isEngineErrorName } from './error-names';
import { formatBytes } from './format-bytes';
import { DEFAULT_HUB_HOST, hubCacheKey, isHubId } from './hub';

describe('common vocabulary', () => {
  it('formats bytes in one decimal convention, for the load panel, the manager and the engine alike', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(200_000)).toBe('200 kB');
    expect(formatBytes(1_100_000)).toBe('1.1 MB');
    expect(formatBytes(134_000_000)).toBe('134 MB');
    expect(formatBytes(1_070_000_000)).toBe('1.1 GB');
    expect(formatBytes(null)).toBe('—');
  });

  it('knows Hub ids and keys a repo by host and id', () => {
    expect(isHubId('HuggingFaceTB/SmolLM2-135M-Instruct')).toBe(true);
    expect(isHubId('no-slash')).toBe(false);
    expect(isHubId('a/..')).toBe(false);
    expect(hubCacheKey('org/name')).toBe('huggingface.co/org/name');
    expect(hubCacheKey(' org/name ', 'http://localhost:5201')).toBe('localhost:5201/org/name');
    expect(DEFAULT_HUB_HOST).toBe('https://huggingface.co');
  });

  it('lists every error name once, engine and app apart', () => {
    const all = [...ENGINE_ERROR_NAMES, ...APP_ERROR_NAMES];
    expect(new Set(all).size).toBe(all.length);
    expect(isEngineErrorName('EngineBusy')).toBe(true);
    expect(isEngineErrorName('WorkerCrashed')).toBe(false);
    expect(describeError(Object.assign(new Error('gone'), { name: 'NetworkError' }))).toEqual({
      name: 'NetworkError',
      message: 'gone',
    });
    expect(describeError('plain')).toEqual({ name: 'Error', message: 'plain' });
  });
});
