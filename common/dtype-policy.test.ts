import { describe, expect, it } from 'vitest';
import type { Dtype } from '../workers/protocol';
import {
  adapterBufferLimit,
  checkExplicitDtype,
  chooseDtype,
  estimateParams,
  estimatePeakBytes,
  largestTensorBytes,
  memoryReason,
  Q4_UNPACK_LIMIT_BYTES,
  q4UnpacksOnWasm,
  WASM32_HEAP_BYTES,
} from './dtype-policy';

const MB = 1_000_000;
// Weight sizes as the Hub lists them (../shared/notes/real-hub-exports.md).
const SMOLLM2_135M: Partial<Record<Dtype, number>> = { fp32: 654 * MB, fp16: 327 * MB, q4: 200 * MB, q4f16: 134 * MB };
const SMOLLM2_360M: Partial<Record<Dtype, number>> = { fp32: 1640 * MB, fp16: 819 * MB, q4: 417 * MB, q4f16: 299 * MB };
const LLAMA_1B: Partial<Record<Dtype, number>> = {
  fp32: 4940 * MB,
  fp16: 2470 * MB,
  q4: 1660 * MB,
  q4f16: 1070 * MB,
  q8: 1240 * MB,
  bnb4: 1600 * MB,
};
const dtypes = (sizes: Partial<Record<Dtype, number>>) => Object.keys(sizes) as Dtype[];
const wasm = { backend: 'wasm', shaderF16: false } as const;

describe('dtype policy', () => {
  it('on WASM picks the fastest form; q4, unpacked at load, counts as fp32 speed', () => {
    const pick = chooseDtype(dtypes(SMOLLM2_135M), wasm, SMOLLM2_135M);
    expect(pick).toMatchObject({ ok: true, dtype: 'fp16' });
    if (pick.ok) expect(pick.reason).toBe('fp16 · fastest on this CPU for this model (measured)');
    // q8 decoded 1.4–1.9× faster than fp32 on the 135M-shaped replica.
    expect(chooseDtype(['q4', 'q8', 'fp32'], wasm)).toMatchObject({ ok: true, dtype: 'q8' });
    // Same speed as fp32 once unpacked: the smaller download wins.
    expect(chooseDtype(['fp32', 'q4'], wasm, { fp32: 654 * MB, q4: 200 * MB })).toMatchObject({
      ok: true,
      dtype: 'q4',
    });
    // q4f16 and bnb4 are not unpacked to fp32 speed: fp32 stays ahead of them.
    expect(chooseDtype(['q4f16', 'bnb4', 'fp32'], wasm)).toMatchObject({ ok: true, dtype: 'fp32' });
  });

  it('falls back to the slow form only when nothing faster exists', () => {
    expect(chooseDtype(['q4'], wasm)).toMatchObject({ ok: true, dtype: 'q4' });
  });

  it('on WebGPU takes f16 forms only with shader-f16', () => {
    const sizes = SMOLLM2_135M;
    expect(chooseDtype(dtypes(sizes), { backend: 'webgpu', shaderF16: true }, sizes)).toMatchObject({
      dtype: 'q4f16',
    });
    expect(chooseDtype(dtypes(sizes), { backend: 'webgpu', shaderF16: false }, sizes)).toMatchObject({ dtype: 'q4' });
    expect(chooseDtype(['q4f16', 'fp16'], { backend: 'webgpu', shaderF16: false })).toMatchObject({ ok: false });
  });

  it('refuses an explicit f16 pick without shader-f16, before any download', () => {
    const refusal = checkExplicitDtype('q4f16', { backend: 'webgpu', shaderF16: false });
    expect(refusal.ok).toBe(false);
    if (!refusal.ok) expect(refusal.reason).toContain('shader-f16');
    expect(checkExplicitDtype('q4f16', { backend: 'webgpu', shaderF16: true })).toMatchObject({ ok: true });
    expect(checkExplicitDtype('q4f16', wasm)).toMatchObject({ ok: true });
  });

  it('estimates the peak from the files and the measured factor, against the wasm32 heap', () => {
    expect(estimatePeakBytes('fp32', 654 * MB, 'wasm')).toBe(Math.round(654 * MB * 2));
    expect(memoryReason('fp32', 1640 * MB, wasm)).toBeNull();
    expect(memoryReason('fp32', 4940 * MB, wasm)).toMatch(/needs about 9\.9 GB .* heap holds 4\.3 GB/);
    expect(memoryReason('fp32', undefined, wasm)).toBeNull();
    expect(WASM32_HEAP_BYTES).toBe(4 * 1024 ** 3);
  });

  it('chooses a smaller dtype when the fastest does not fit, and says so', () => {
    const pick = chooseDtype(dtypes(SMOLLM2_360M), wasm, SMOLLM2_360M);
    expect(pick).toMatchObject({ ok: true, dtype: 'fp16' });
    const onlyBig = chooseDtype(['fp32', 'bnb4'], wasm, { fp32: 2500 * MB, bnb4: 470 * MB });
    expect(onlyBig).toMatchObject({ ok: true, dtype: 'bnb4' });
    if (onlyBig.ok) expect(onlyBig.reason).toContain('fp32 would be faster but does not fit in memory');
  });

  it('on WASM takes q8 for a small model and leaves it for fp16/fp32 on large matrices (measured both ways)', () => {
    const qwen05 = { fp32: 1990 * MB, fp16: 997 * MB, q8: 512 * MB, q4: 786 * MB, q4f16: 483 * MB };
    expect(chooseDtype(dtypes(qwen05), wasm, qwen05)).toMatchObject({ ok: true, dtype: 'q8' });
    expect(estimateParams(LLAMA_1B)).toBeCloseTo(1235e6, -7);
    // Llama-3.2-1B: fp32 and fp16 do not fit the heap; q8 is the fastest that does.
    expect(chooseDtype(dtypes(LLAMA_1B), wasm, LLAMA_1B)).toMatchObject({ ok: true, dtype: 'q8' });
    const large = { fp16: 1900 * MB, q8: 950 * MB };
    expect(chooseDtype(dtypes(large), wasm, large)).toMatchObject({ ok: true, dtype: 'fp16' });
  });

  it('counts q4 at fp32 speed on WASM only where the engine can unpack it', () => {
    // Qwen2.5-0.5B's q4 (786 MB) unpacks (about 1.6 GB); Llama-3.2-1B's (1.66 GB) would pass the limit.
    expect(q4UnpacksOnWasm(786 * MB)).toBe(true);
    expect(q4UnpacksOnWasm(1660 * MB)).toBe(false);
    expect(q4UnpacksOnWasm(Q4_UNPACK_LIMIT_BYTES / 2 + 1)).toBe(false);
    const qwen05 = { fp32: 1990 * MB, q4: 786 * MB };
    expect(chooseDtype(dtypes(qwen05), wasm, qwen05)).toMatchObject({ ok: true, dtype: 'q4' });
    // Llama-3.2-1B without its q8 family: fp32 and fp16 do not fit and q4 would run as shipped (7× fp32's time).
    const { q8: _q8, ...noQ8 } = LLAMA_1B;
    expect(chooseDtype(dtypes(noQ8), wasm, noQ8)).toMatchObject({ ok: true, dtype: 'q4f16' });
  });

  it('refuses, naming the numbers, when no file fits', () => {
    const LLAMA_3B = { fp32: 12_800 * MB, fp16: 6_400 * MB, q4: 2_600 * MB, q4f16: 2_400 * MB };
    const pick = chooseDtype(dtypes(LLAMA_3B), wasm, LLAMA_3B);
    expect(pick.ok).toBe(false);
    if (!pick.ok) expect(pick.reason).toMatch(/q4f16 \(2\.4 GB of weights\) needs about 4\.8 GB .* holds 4\.3 GB/);
    // The same model fits the WebGPU loader's heap.
    expect(chooseDtype(dtypes(LLAMA_1B), { backend: 'webgpu', shaderF16: true }, LLAMA_1B)).toMatchObject({
      ok: true,
      dtype: 'q4f16',
    });
  });
});

describe('GPU buffer limits', () => {
  // Qwen2.5-0.5B: vocab 151936 × hidden 896.
  const tensors = largestTensorBytes({ vocab_size: 151936, hidden_size: 896 });
  const gpu = (maxBufferBytes: number) =>
    ({ backend: 'webgpu', shaderF16: true, maxBufferBytes, largestTensor: tensors }) as const;

  it('sizes the embedding by the dtype the export stores it in', () => {
    expect(tensors.fp32).toBe(151936 * 896 * 4);
    expect(tensors.q4f16).toBe(151936 * 896 * 2);
    expect(tensors.q8).toBe(151936 * 896);
    expect(largestTensorBytes({})).toEqual({});
  });

  it('takes the smaller of the two adapter limits', () => {
    expect(adapterBufferLimit({ maxBufferSize: 256 * MB, maxStorageBufferBindingSize: 128 * MB })).toBe(128 * MB);
    expect(adapterBufferLimit({})).toBeUndefined();
  });

  it('refuses a form whose embedding does not fit one buffer, naming the numbers, and picks one that does', () => {
    const refusal = checkExplicitDtype('fp32', gpu(300 * MB));
    expect(refusal).toMatchObject({ ok: false, kind: 'too-large' });
    if (!refusal.ok) expect(refusal.reason).toMatch(/about 545 MB.* the 300 MB .*maxStorageBufferBindingSize/);
    expect(chooseDtype(['fp32', 'q4f16'], gpu(300 * MB))).toMatchObject({ ok: true, dtype: 'q4f16' });
    expect(chooseDtype(['fp32', 'q4'], gpu(300 * MB))).toMatchObject({ ok: false, kind: 'too-large' });
    expect(checkExplicitDtype('fp32', gpu(2048 * MB))).toMatchObject({ ok: true });
  });
});
