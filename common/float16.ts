/**
 * float32 -> IEEE half conversion, as `onnxconverter_common.float16.convert_float_to_float16`
 * does it: values are first clipped into [min_positive_val, max_finite_val] = [1e-7, 1e4]
 * by magnitude (zeros stay zero), then rounded to nearest even.
 */
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

export const FP16_MAX_FINITE_VAL = 1e4;
export const FP16_MIN_POSITIVE_VAL = 1e-7;

/** Half-precision bits of one float32 value (round to nearest even, no clipping). */
export function halfBits(value: number): number {
  F32[0] = value;
  const x = U32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let result = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && result & 1)) result++;
    return sign | result;
  }
  let result = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && result & 1)) result++;
  return sign | result;
}

/** Decodes half bits back to a number (for tests and reference maths). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The converter's clipping followed by rounding; returns the raw uint16 bits. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    const abs = Math.abs(v);
    let clipped = v;
    if (abs > FP16_MAX_FINITE_VAL) clipped = Math.sign(v) * FP16_MAX_FINITE_VAL;
    else if (abs > 0 && abs < FP16_MIN_POSITIVE_VAL) clipped = Math.sign(v) * FP16_MIN_POSITIVE_VAL;
    out[i] = halfBits(clipped);
  }
  return out;
}
