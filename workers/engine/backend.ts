import type { AdapterInfo, LocalBackend, BackendPreference, Dtype } from '../protocol';

export interface BackendChoice {
  backend: LocalBackend;
  reason: string;
  adapter: AdapterInfo | null;
}

interface GpuLike {
  requestAdapter(): Promise<{
    features: { has(name: string): boolean };
    limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
}

export async function probeAdapter(): Promise<{ adapter: AdapterInfo | null; reason: string }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { adapter: null, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { adapter: null, reason: 'no WebGPU adapter' };
    const info = adapter.info ?? {};
    return {
      adapter: {
        vendor: info.vendor ?? '',
        architecture: info.architecture ?? '',
        description: info.description ?? '',
        shaderF16: adapter.features.has('shader-f16'),
        ...(adapter.limits?.maxBufferSize ? { maxBufferSize: adapter.limits.maxBufferSize } : {}),
        ...(adapter.limits?.maxStorageBufferBindingSize
          ? { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize }
          : {}),
      },
      reason: '',
    };
  } catch (error) {
    return {
      adapter: null,
      reason: `WebGPU adapter request failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function describe(adapter: AdapterInfo): string {
  const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || adapter.description || 'unknown GPU';
  return `WebGPU adapter ${name}${adapter.shaderF16 ? ', shader-f16' : ', no shader-f16'}`;
}

export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'wasm') return { backend: 'wasm', reason: 'WASM was requested', adapter: null };
  const { adapter, reason } = await probeAdapter();
  if (adapter) return { backend: 'webgpu', reason: describe(adapter), adapter };
  return { backend: 'wasm', reason, adapter: null };
}

export const DTYPE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** Dtypes whose `onnx/model{suffix}.onnx` is in the file list. */
export function dtypesIn(paths: Iterable<string>): Dtype[] {
  const set = new Set(paths);
  return (Object.keys(DTYPE_SUFFIX) as Dtype[]).filter((d) => set.has(`onnx/model${DTYPE_SUFFIX[d]}.onnx`));
}

/** Bytes of each dtype's weights (the .onnx file plus its external data), from a Hub file listing. */
export function weightBytesIn(sizes: Iterable<readonly [path: string, bytes: number]>): Partial<Record<Dtype, number>> {
  const byFile = new Map(sizes);
  const out: Partial<Record<Dtype, number>> = {};
  for (const dtype of Object.keys(DTYPE_SUFFIX) as Dtype[]) {
    const onnx = `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
    if (!byFile.has(onnx)) continue;
    let total = 0;
    for (const [path, bytes] of byFile) if (path === onnx || path.startsWith(`${onnx}_data`)) total += bytes;
    out[dtype] = total;
  }
  return out;
}

/** More WASM threads than this stop paying off for decode (memory-bound past it). */
const MAX_THREADS = 4;

/**
 * One core is left to the page: it renders every frame of the stream (style, layout, paint, the
 * compositor), and with as many ORT threads as cores the two oversubscribe the CPU. Measured on the
 * 2-core bench machine with the UI live (`npm run bench:page`, threads table), 1 thread out-ran 2 in
 * DOM tok/s and kept the pipeline efficiency near 1; see the README's Performance section.
 */
export function chooseThreads(
  requested: number | undefined,
  cores = navigator.hardwareConcurrency || 1,
  isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
): { threads: number; reason: string } {
  if (!isolated) {
    return { threads: 1, reason: 'single-threaded: the page is not cross-origin isolated' };
  }
  if (requested !== undefined) return { threads: requested, reason: `${requested} requested` };
  const threads = Math.max(1, Math.min(MAX_THREADS, cores - 1));
  return {
    threads,
    reason:
      cores - 1 > MAX_THREADS
        ? `${cores} cores: ${MAX_THREADS} threads (more do not speed up decode)`
        : `${cores} core${cores === 1 ? '' : 's'}: one left for the page, so rendering does not take the engine's cores`,
  };
}
