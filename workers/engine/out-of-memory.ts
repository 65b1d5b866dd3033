import { EngineError } from './errors';

/**
 * What GPU and WASM memory exhaustion looks like from ORT-web and the browser: Emscripten's abort text, a failed
 * WebAssembly.Memory grow, an ArrayBuffer that cannot be allocated, WebGPU's GPUOutOfMemoryError or a
 * buffer-mapping failure. None of these messages tells a user what to do, so they become one named error.
 */
const OOM = [
  /out of memory/i,
  /\bOOM\b/,
  /Cannot enlarge memory/i,
  /WebAssembly\.Memory.*(grow|allocate)/i,
  /could not allocate memory/i,
  /Array buffer allocation failed/i,
  /GPUOutOfMemoryError/i,
  /failed to allocate (a )?buffer/i,
  /std::bad_alloc/i,
];

export function isOutOfMemory(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return OOM.some((pattern) => pattern.test(text));
}

/** The named error, saying which memory ran out, when, and what to try instead. */
export function outOfMemoryError(
  backend: 'webgpu' | 'wasm',
  when: 'loading' | 'generating',
  model: string,
  dtype: string,
): EngineError {
  const memory = backend === 'webgpu' ? 'GPU memory' : 'WebAssembly memory (at most 4 GB per page)';
  const fix =
    backend === 'webgpu'
      ? `Pick a smaller dtype (q4 or q4f16 instead of ${dtype}), a smaller model, or the WASM backend in Settings.`
      : `Pick a smaller dtype (q4 instead of ${dtype}) or a smaller model${when === 'generating' ? ', or lower max tokens' : ''}.`;
  return new EngineError('OutOfMemory', `${model} ran out of ${memory} while ${when} (${dtype}). ${fix}`);
}
