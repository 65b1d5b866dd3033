/**
 * Which precision to load, decided by measurement rather than by file size. Shared by the
 * worker (dtype `auto`, refusals before any download) and the page (the picker's default is
 * what `auto` would choose on this device), so the two cannot disagree.
 */
import type { LocalBackend, Dtype } from '../workers/protocol';
import { formatBytes } from './format-bytes';

export interface DtypeProfile {
  /** Decode time per token relative to fp32 on the same backend (lower is faster). */
  relativeTime: number;
  /** The same for models past LARGE_MODEL_PARAMS, where it differs (int8 GEMV turns compute-bound on WASM). */
  largeRelativeTime?: number;
  /** Peak memory of the heap the backend is limited by (wasm32's), relative to the weight files' size. */
  peakFactor: number;
  /** Where the figure comes from, for the reason shown to the user. */
  source: 'measured' | 'estimated';
}

/** Past this many parameters the large-matrix figures apply (between SmolLM2-360M and Llama-3.2-1B). */
export const LARGE_MODEL_PARAMS = 800e6;

/**
 * WASM, onnxruntime-web 1.31 on a 2-core x64 machine: `npm run bench -- --only dtypes` on the
 * SmolLM2-135M-shaped replica (README "Dtype forms"): q8 (DynamicQuantizeLinear + MatMulInteger)
 * decoded 1.4–1.9× faster than fp32, fp16 1.03–1.25×, q4 as shipped (MatMulNBits, which dequantizes
 * all of B on every call in WASM) 3.3–8.5× slower — the engine unpacks it at load, so it runs at fp32 speed. On Llama-3.2-1B-sized matrices the kernel benchmark in
 * ../shared/notes/real-hub-exports.md has q8 1.5–2× slower than fp32 instead, hence largeRelativeTime.
 * Peak: renderer RSS measured 220 MB + 4.0× the file, but most of that is JS-side copies outside
 * the wasm32 heap; the heap itself holds the model bytes and its initializers while the session is
 * built, about 2× (estimated: no per-heap figure can be read from outside the worker).
 */
const WASM: Record<Dtype, DtypeProfile> = {
  fp32: { relativeTime: 1, peakFactor: 2, source: 'measured' },
  fp16: { relativeTime: 0.95, peakFactor: 2, source: 'measured' },
  q8: { relativeTime: 0.7, largeRelativeTime: 1.6, peakFactor: 2, source: 'measured' },
  int8: { relativeTime: 0.7, largeRelativeTime: 1.6, peakFactor: 2, source: 'estimated' },
  uint8: { relativeTime: 0.7, largeRelativeTime: 1.6, peakFactor: 2, source: 'estimated' },
  // q4 as the engine runs it: MatMulNBits unpacked once at load (workers/engine/q4-rewrite), measured 0.98–1.06×
  // fp32's decode speed (as shipped it was 6.8–8.5× slower). The peak stays the as-shipped file's: a model
  // too large to unpack loads as shipped.
  q4: { relativeTime: 1, peakFactor: 2, source: 'measured' },
  q4f16: { relativeTime: 4, peakFactor: 2, source: 'estimated' },
  bnb4: { relativeTime: 4, peakFactor: 2, source: 'estimated' },
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

export const DTYPE_PROFILES: Record<LocalBackend, Record<Dtype, DtypeProfile>> = { wasm: WASM, webgpu: WEBGPU };

/**
 * The engine unpacks a q4 file's MatMulNBits weights at load on WASM (workers/engine/q4-rewrite) while the
 * unpacked model stays under this: protobuf's 2 GiB message limit, and the wasm32 heap holds the model bytes and
 * their initializers at once. Past it the file loads as shipped, at as-shipped speed.
 */
export const Q4_UNPACK_LIMIT_BYTES = 1.9 * 1024 ** 3;
/** Unpacked to fp16 a q4 file grew 1.93× (SmolLM2-135M Optimum replica, fp32 embedding kept); bigger models grow more. */
const Q4_UNPACKED_GROWTH = 2;
/** q4 as shipped on WASM, decode time ÷ fp32: measured 3.3–8.5×. */
const Q4_SHIPPED_RELATIVE_TIME = 7;

/** Whether a q4 file of this size will be unpacked at load on WASM (unknown size: assume it will). */
export function q4UnpacksOnWasm(q4Bytes: number | undefined): boolean {
  return q4Bytes === undefined || q4Bytes * Q4_UNPACKED_GROWTH <= Q4_UNPACK_LIMIT_BYTES;
}

/** wasm32 addresses 4 GiB; that is the whole heap a WASM session (and the WebGPU loader) can use. */
export const WASM32_HEAP_BYTES = 4 * 1024 ** 3;

export interface DeviceCaps {
  backend: LocalBackend;
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

export function estimatePeakBytes(dtype: Dtype, weightBytes: number, backend: LocalBackend): number {
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

/** Bytes per parameter of each file form (q4: 4-bit weights plus a scale per 32, and fp32 embeddings). */
const BYTES_PER_PARAM: Record<Dtype, number> = {
  fp32: 4,
  fp16: 2,
  q8: 1,
  int8: 1,
  uint8: 1,
  q4: 0.75,
  q4f16: 0.55,
  bnb4: 0.75,
};

/** The model's parameter count, from whichever file sizes are known (fp32 first: the exact one). */
export function estimateParams(weightBytes: Partial<Record<Dtype, number>>): number | null {
  for (const dtype of ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16'] as const) {
    const bytes = weightBytes[dtype];
    if (bytes) return bytes / BYTES_PER_PARAM[dtype];
  }
  return null;
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
  const large = (estimateParams(weightBytes) ?? 0) > LARGE_MODEL_PARAMS;
  const time = (d: Dtype) =>
    caps.backend === 'wasm' && d === 'q4' && !q4UnpacksOnWasm(weightBytes.q4)
      ? Q4_SHIPPED_RELATIVE_TIME
      : large
        ? (profiles[d].largeRelativeTime ?? profiles[d].relativeTime)
        : profiles[d].relativeTime;
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
    time(a) - time(b) || (weightBytes[a] ?? Infinity) - (weightBytes[b] ?? Infinity);
  const dtype = [...fitting].sort(bySpeed)[0] as Dtype;
  const fastest = [...runnable].sort(bySpeed)[0] as Dtype;
  const where = caps.backend === 'wasm' ? 'this CPU' : 'this GPU';
  const reason =
    time(fastest) < time(dtype)
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
