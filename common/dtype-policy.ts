/**
 * Which precision to load, decided by measurement rather than by file size. Shared by the
 * worker (dtype `auto`, refusals before any download) and the page (the picker's default is
 * what `auto` would choose on this device), so the two cannot disagree.
 */
import type { Backend, Dtype } from '../workers/protocol';
import { formatBytes } from './format-bytes';

export interface DtypeProfile {
  /** Decode time per token relative to fp32 on the same backend (lower is faster). */
  relativeTime: number;
  /** Peak memory of the process heap relative to the weight files' size. */
  peakFactor: number;
  /** Where the figure comes from, for the reason shown to the user. */
  source: 'measured' | 'estimated';
}

/**
 * WASM, onnxruntime-web 1.31 on a 2-core x64 machine (../shared/notes/real-hub-exports.md and
 * `npm run bench`): fp16 ≈ fp32 time at half the bytes; the real q8 form (DynamicQuantizeLinear +
 * MatMulInteger) ≈ fp32 on small matrices, 1.5–2× on large ones; MatMulNBits (q4) dequantizes all
 * of B to fp32 on every call in WASM, 7–16× slower end to end. The renderer peaked at 4.3× the
 * fp32 file (several copies of the weights exist while the session is built).
 */
const WASM: Record<Dtype, DtypeProfile> = {
  fp32: { relativeTime: 1, peakFactor: 4.3, source: 'measured' },
  fp16: { relativeTime: 1, peakFactor: 4.3, source: 'measured' },
  q8: { relativeTime: 1.3, peakFactor: 4.3, source: 'measured' },
  int8: { relativeTime: 1.3, peakFactor: 4.3, source: 'estimated' },
  uint8: { relativeTime: 1.3, peakFactor: 4.3, source: 'estimated' },
  q4: { relativeTime: 7, peakFactor: 4.3, source: 'measured' },
  q4f16: { relativeTime: 8, peakFactor: 4.3, source: 'estimated' },
  bnb4: { relativeTime: 8, peakFactor: 4.3, source: 'estimated' },
};

/**
 * WebGPU decode is bound by reading the weights, so time follows bytes per weight. No real GPU was
 * available to measure on (SwiftShader only proves the path), so these are a bandwidth model.
 * MatMulInteger has no WebGPU kernel: q8-family graphs run those nodes on the CPU. The WASM heap
 * still holds the model bytes while the session is created (peakFactor is about that heap).
 */
const WEBGPU: Record<Dtype, DtypeProfile> = {
  q4f16: { relativeTime: 0.2, peakFactor: 1.5, source: 'estimated' },
  q4: { relativeTime: 0.3, peakFactor: 1.5, source: 'estimated' },
  fp16: { relativeTime: 0.5, peakFactor: 1.5, source: 'estimated' },
  fp32: { relativeTime: 1, peakFactor: 1.5, source: 'estimated' },
  bnb4: { relativeTime: 3, peakFactor: 1.5, source: 'estimated' },
  q8: { relativeTime: 10, peakFactor: 2, source: 'estimated' },
  int8: { relativeTime: 10, peakFactor: 2, source: 'estimated' },
  uint8: { relativeTime: 10, peakFactor: 2, source: 'estimated' },
};

export const DTYPE_PROFILES: Record<Backend, Record<Dtype, DtypeProfile>> = { wasm: WASM, webgpu: WEBGPU };

/** wasm32 addresses 4 GiB; that is the whole heap a WASM session (and the WebGPU loader) can use. */
export const WASM32_HEAP_BYTES = 4 * 1024 ** 3;

export interface DeviceCaps {
  backend: Backend;
  /** The WebGPU adapter has `shader-f16` (ignored on WASM). */
  shaderF16: boolean;
  /** Bytes the heap can hold; defaults to wasm32's 4 GiB. */
  heapBytes?: number;
  /** WebGPU: the largest buffer a weight tensor can live in (min of maxBufferSize and maxStorageBufferBindingSize). */
  maxBufferBytes?: number;
  /** WebGPU: the largest weight tensor of each dtype's file, when the model's config is known (see largestTensorBytes). */
  largestTensor?: Partial<Record<Dtype, number>>;
}

/**
 * Bytes per weight of the largest tensor, the token embedding (vocab × hidden): the Optimum and
 * GenAI exports keep it fp32 in fp32 and q4 files, fp16 in fp16 and q4f16 files, and quantize its
 * Gather to 8 bits in the q8 family; bnb4 keeps it fp32. An estimate from the exporters' code, not
 * read from the graph (that would mean downloading it).
 */
const EMBEDDING_BYTES_PER_WEIGHT: Record<Dtype, number> = {
  fp32: 4,
  q4: 4,
  bnb4: 4,
  fp16: 2,
  q4f16: 2,
  q8: 1,
  int8: 1,
  uint8: 1,
};

/** The largest weight tensor of each dtype's file, from config.json's vocab and hidden sizes. */
export function largestTensorBytes(config: {
  vocab_size?: unknown;
  hidden_size?: unknown;
}): Partial<Record<Dtype, number>> {
  const vocab = Number(config.vocab_size);
  const hidden = Number(config.hidden_size);
  if (!(vocab > 0 && hidden > 0)) return {};
  const out: Partial<Record<Dtype, number>> = {};
  for (const [dtype, bytes] of Object.entries(EMBEDDING_BYTES_PER_WEIGHT)) out[dtype as Dtype] = vocab * hidden * bytes;
  return out;
}

/** The buffer limit a GPU adapter puts on one weight tensor, or undefined when it does not say. */
export function adapterBufferLimit(adapter: {
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}): number | undefined {
  const limits = [adapter.maxBufferSize, adapter.maxStorageBufferBindingSize].filter(
    (v): v is number => typeof v === 'number' && v > 0,
  );
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

export type DtypeDecision =
  | { ok: true; dtype: Dtype; reason: string }
  /** `unsupported`: this device cannot run the form at all; `too-large`: it does not fit in memory. */
  | { ok: false; kind: 'unsupported' | 'too-large'; reason: string };

const NEEDS_F16: ReadonlySet<Dtype> = new Set(['fp16', 'q4f16']);

/** Why `dtype` cannot run on this device at all, or null. Checked before any download. */
export function unsupportedReason(dtype: Dtype, caps: DeviceCaps): string | null {
  if (caps.backend === 'webgpu' && NEEDS_F16.has(dtype) && !caps.shaderF16)
    return `${dtype} needs the WebGPU feature shader-f16, which this GPU adapter lacks; pick q4 or fp32, or run on WASM`;
  return null;
}

export function estimatePeakBytes(dtype: Dtype, weightBytes: number, backend: Backend): number {
  return Math.round(weightBytes * DTYPE_PROFILES[backend][dtype].peakFactor);
}

/** Why `dtype` would not fit in memory, or null (also null when its size is unknown). */
export function memoryReason(dtype: Dtype, weightBytes: number | undefined, caps: DeviceCaps): string | null {
  const tensor = caps.largestTensor?.[dtype];
  if (
    caps.backend === 'webgpu' &&
    tensor !== undefined &&
    caps.maxBufferBytes !== undefined &&
    tensor > caps.maxBufferBytes
  )
    return (
      `${dtype}'s largest weight tensor (the token embedding, about ${formatBytes(tensor)}) is larger than the ` +
      `${formatBytes(caps.maxBufferBytes)} this GPU allows in one buffer (maxBufferSize / maxStorageBufferBindingSize)`
    );
  if (weightBytes === undefined) return null;
  const heap = caps.heapBytes ?? WASM32_HEAP_BYTES;
  const peak = estimatePeakBytes(dtype, weightBytes, caps.backend);
  if (peak <= heap) return null;
  const factor = DTYPE_PROFILES[caps.backend][dtype].peakFactor;
  return (
    `${dtype} (${formatBytes(weightBytes)} of weights) needs about ${formatBytes(peak)} of memory while loading ` +
    `(${factor}× the files) but the ${caps.backend === 'wasm' ? 'WASM' : 'WebGPU loader'} heap holds ${formatBytes(heap)}`
  );
}

/**
 * The `auto` choice: the fastest runnable form that fits in memory, by the profile table, so a form
 * that measured 2× (or 7×) slower is never picked while a faster file fits; among forms of equal
 * speed the smaller download wins.
 */
export function chooseDtype(
  available: readonly Dtype[],
  caps: DeviceCaps,
  weightBytes: Partial<Record<Dtype, number>> = {},
): DtypeDecision {
  if (available.length === 0)
    return { ok: false, kind: 'unsupported', reason: 'the repo has no ONNX weight file under onnx/' };
  const profiles = DTYPE_PROFILES[caps.backend];
  const runnable = available.filter((d) => unsupportedReason(d, caps) === null);
  if (runnable.length === 0)
    return { ok: false, kind: 'unsupported', reason: unsupportedReason(available[0] as Dtype, caps) ?? '' };
  const fitting = runnable.filter((d) => memoryReason(d, weightBytes[d], caps) === null);
  if (fitting.length === 0) {
    const smallest = [...runnable].sort((a, b) => (weightBytes[a] ?? 0) - (weightBytes[b] ?? 0))[0] as Dtype;
    return {
      ok: false,
      kind: 'too-large',
      reason: `${memoryReason(smallest, weightBytes[smallest], caps)}. Pick a smaller model.`,
    };
  }
  const bySpeed = (a: Dtype, b: Dtype) =>
    profiles[a].relativeTime - profiles[b].relativeTime || (weightBytes[a] ?? Infinity) - (weightBytes[b] ?? Infinity);
  const dtype = [...fitting].sort(bySpeed)[0] as Dtype;
  const fastest = [...runnable].sort(bySpeed)[0] as Dtype;
  const where = caps.backend === 'wasm' ? 'this CPU' : 'this GPU';
  const reason =
    profiles[fastest].relativeTime < profiles[dtype].relativeTime
      ? `${dtype} · ${fastest} would be faster but does not fit in memory`
      : profiles[dtype].source === 'measured'
        ? `${dtype} · fastest on ${where} for this model (measured)`
        : `${dtype} · fastest on ${where} by weight bandwidth (estimated)`;
  return { ok: true, dtype, reason };
}

/** An explicit pick: runs as asked, or says why it cannot, before anything is downloaded. */
export function checkExplicitDtype(dtype: Dtype, caps: DeviceCaps, weightBytes?: number): DtypeDecision {
  const unsupported = unsupportedReason(dtype, caps);
  if (unsupported) return { ok: false, kind: 'unsupported', reason: unsupported };
  const tooLarge = memoryReason(dtype, weightBytes, caps);
  if (tooLarge) return { ok: false, kind: 'too-large', reason: tooLarge };
  return { ok: true, dtype, reason: `${dtype} · as requested` };
}
