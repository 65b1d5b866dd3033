import { describe, expect, it } from 'vitest';
import { isOutOfMemory, outOfMemoryError } from './out-of-memory';

describe('out of memory', () => {
  it('recognises what ORT-web, WebAssembly and WebGPU say when memory runs out', () => {
    for (const text of [
      'Aborted(OOM)',
      'RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded',
      'RangeError: Array buffer allocation failed',
      'GPUOutOfMemoryError: Not enough memory left',
      'failed to allocate a buffer of size 2147483648',
      "Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc",
    ])
      expect(isOutOfMemory(new Error(text)), text).toBe(true);
    expect(isOutOfMemory(new Error('Could not locate file'))).toBe(false);
  });

  it('names the memory and says what to do, never the raw runtime text', () => {
    const gpu = outOfMemoryError('webgpu', 'loading', 'org/model', 'fp16');
    expect(gpu.name).toBe('OutOfMemory');
    expect(gpu.message).toMatch(/GPU memory while loading \(fp16\).*smaller dtype.*WASM backend/);
    const wasm = outOfMemoryError('wasm', 'generating', 'org/model', 'fp32');
    expect(wasm.message).toMatch(/WebAssembly memory.*q4 instead of fp32.*lower max tokens/);
  });
});
