import { halfBits, halfToFloat } from '../../../common/float16';

/**
 * One `com.microsoft.MatMulNBits` weight, as its inputs hold it (ORT's ContribOperators.md):
 * B is uint8 [N, blocks, blockSize / 2], two 4-bit values per byte, low nibble first; scales
 * are [N × blocks]; zero points, when present, are 4-bit packed per column the same way
 * (or given in the scales' type); without them every block's zero point is 8.
 */
export interface NBitsWeight {
  K: number;
  N: number;
  blockSize: number;
  packed: Uint8Array;
  scales: Float32Array;
  zeroPoints: { packed: Uint8Array } | { values: Float32Array } | null;
}

export type DenseType = 'fp16' | 'fp32';

/** Why this weight cannot be unpacked, or null. */
export function nbitsShapeProblem(w: NBitsWeight): string | null {
  const blocks = Math.ceil(w.K / w.blockSize);
  if (w.blockSize < 16 || (w.blockSize & (w.blockSize - 1)) !== 0)
    return `block_size ${w.blockSize} is not a power of two ≥ 16`;
  if (w.packed.byteLength !== w.N * blocks * (w.blockSize / 2))
    return `B has ${w.packed.byteLength} bytes, not N × blocks × block_size/2 = ${w.N * blocks * (w.blockSize / 2)}`;
  if (w.scales.length !== w.N * blocks) return `scales has ${w.scales.length} values, not N × blocks = ${w.N * blocks}`;
  const zp = w.zeroPoints;
  if (zp && 'packed' in zp && zp.packed.byteLength !== w.N * Math.ceil(blocks / 2))
    return `zero_points has ${zp.packed.byteLength} bytes, not N × ⌈blocks/2⌉ = ${w.N * Math.ceil(blocks / 2)}`;
  if (zp && 'values' in zp && zp.values.length !== w.N * blocks)
    return `zero_points has ${zp.values.length} values, not N × blocks = ${w.N * blocks}`;
  return null;
}

/**
 * The weight as a dense MatMul right-hand side, [K, N] row-major: W[k][n] = (q − zp) × scale,
 * exactly what ORT's WASM build computes on every call before its SGEMM (it has no 4-bit
 * kernel there), but once. fp16 output rounds each product to nearest even; a 4-bit value times
 * a scale keeps 11 significant bits, so the only loss is the scale's own rounding.
 */
export function dequantizeNBits(w: NBitsWeight, type: DenseType): Float32Array | Uint16Array {
  const { K, N, blockSize, packed, scales, zeroPoints } = w;
  const blocks = Math.ceil(K / blockSize);
  const out = type === 'fp16' ? new Uint16Array(K * N) : new Float32Array(K * N);
  const table = type === 'fp16' ? new Uint16Array(16) : new Float32Array(16);
  const zpBytesPerColumn = Math.ceil(blocks / 2);
  const halfBlock = blockSize / 2;
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const scale = scales[n * blocks + b] ?? 0;
      let zp = 8;
      if (zeroPoints && 'packed' in zeroPoints) {
        const byte = zeroPoints.packed[n * zpBytesPerColumn + (b >> 1)] ?? 0;
        zp = b & 1 ? byte >> 4 : byte & 0x0f;
      } else if (zeroPoints) zp = zeroPoints.values[n * blocks + b] ?? 8;
      // Sixteen possible values per block: one multiply (and one rounding) each, not one per weight.
      for (let q = 0; q < 16; q++) {
        const value = Math.fround((q - zp) * scale);
        table[q] = type === 'fp16' ? halfBits(value) : value;
      }
      const base = (n * blocks + b) * halfBlock;
      const k0 = b * blockSize;
      const count = Math.min(blockSize, K - k0);
      for (let i = 0; i < count; i += 2) {
        const byte = packed[base + (i >> 1)] ?? 0;
        out[(k0 + i) * N + n] = table[byte & 0x0f] ?? 0;
        if (i + 1 < count) out[(k0 + i + 1) * N + n] = table[byte >> 4] ?? 0;
      }
    }
  }
  return out;
}

/** Scales or zero points stored as fp16 (the q4f16 files), as numbers. */
export function halfsToFloats(raw: Uint8Array): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(raw.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}

/** float32 little-endian bytes as numbers (a copy: raw_data need not be 4-byte aligned). */
export function bytesToFloats(raw: Uint8Array): Float32Array {
  const copy = new Uint8Array(raw);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}
