/**
 * Weight emission in the forms the real exporters write, per transformers.js dtype:
 *
 * - `fp32`  (`model.onnx`): float32 initializers, plain `MatMul`.
 * - `fp16`  (`model_fp16.onnx`): float16 initializers and float16 compute
 *   (`convert_float_to_float16`); the graph decides where the boundary Casts go.
 * - `q8`    (`model_quantized.onnx`): ORT's dynamic IntegerOps quantizer:
 *   `DynamicQuantizeLinear(A) -> MatMulInteger(Aq, Wq, Az, Wz) -> Cast -> Mul(As * Ws)`
 *   with int8 weights per output channel, and the embedding `Gather` reading an int8
 *   table followed by `DequantizeLinear`. `int8` (`model_int8.onnx`) is the same file
 *   (quantize.py's q8 picks QInt8 for graphs without Conv); `uint8` (`model_uint8.onnx`)
 *   stores asymmetric uint8 weights with per-channel zero points.
 * - `q4`    (`model_q4.onnx`): `com.microsoft.MatMulNBits` (bits 4, block 32,
 *   symmetric, no zero points), as ORT's MatMul4BitsQuantizer writes it; the
 *   embedding stays float.
 * - `q4f16` (`model_q4f16.onnx`): q4, then the fp16 conversion (fp16 scales).
 * - `bnb4`  (`model_bnb4.onnx`): `com.microsoft.MatMulBnb4`, NF4, block 64, float32
 *   absmax, as ORT's MatMulBnb4Quantizer writes it; the embedding stays float.
 */
import { toFloat16 } from '../../common/float16';
import { DataType, attr, type FloatType, type GraphBuilder } from './onnx-builder';

export type Precision = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

/** The file transformers.js requests for each dtype (`onnx/model{suffix}.onnx`). */
export const PRECISION_FILE_SUFFIX: Readonly<Record<Precision, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** Activations are float16 in the fp16 and q4f16 files. */
export function computeType(precision: Precision): FloatType {
  return precision === 'fp16' || precision === 'q4f16' ? DataType.FLOAT16 : DataType.FLOAT;
}

export const MATMUL_NBITS_BLOCK_SIZE = 32;

export interface QuantizedMatrix {
  readonly q: Int8Array;
  readonly scale: Float32Array;
}

/** Symmetric per-column (= per output channel of a [in, out] MatMul weight) int8. */
export function quantizePerColumn(w: Float32Array, rows: number, cols: number): QuantizedMatrix {
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = Math.abs(w[base + c] ?? 0);
      if (v > (maxAbs[c] ?? 0)) maxAbs[c] = v;
    }
  }
  // Float32Array stores rounded scales; quantise against the stored value so that
  // dequantization reconstructs exactly what we rounded to.
  const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = Math.round((w[base + c] ?? 0) / (scale[c] ?? 1));
      q[base + c] = v > 127 ? 127 : v < -127 ? -127 : v;
    }
  }
  return { q, scale };
}

export interface UnsignedMatrix {
  readonly q: Uint8Array;
  readonly scale: Float32Array;
  readonly zeroPoint: Uint8Array;
}

/** Asymmetric uint8 with `groups` scale/zero-point pairs over `groupOf(i)`, the range always holding 0. */
function quantizeUnsigned(w: Float32Array, groups: number, groupOf: (i: number) => number): UnsignedMatrix {
  const min = new Float32Array(groups);
  const max = new Float32Array(groups);
  for (let i = 0; i < w.length; i++) {
    const g = groupOf(i);
    const v = w[i] ?? 0;
    if (v < (min[g] ?? 0)) min[g] = v;
    if (v > (max[g] ?? 0)) max[g] = v;
  }
  const scale = new Float32Array(groups);
  const zeroPoint = new Uint8Array(groups);
  for (let g = 0; g < groups; g++) {
    const range = (max[g] ?? 0) - (min[g] ?? 0);
    scale[g] = range > 0 ? range / 255 : 1;
    zeroPoint[g] = Math.min(255, Math.max(0, Math.round(-(min[g] ?? 0) / (scale[g] ?? 1))));
  }
  const q = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const g = groupOf(i);
    const v = Math.round((w[i] ?? 0) / (scale[g] ?? 1)) + (zeroPoint[g] ?? 0);
    q[i] = v > 255 ? 255 : v < 0 ? 0 : v;
  }
  return { q, scale, zeroPoint };
}

/** Asymmetric per-column uint8 for a [rows, cols] MatMul weight (ORT's QUInt8 weights). */
export function quantizePerColumnUnsigned(w: Float32Array, rows: number, cols: number): UnsignedMatrix {
  return quantizeUnsigned(w, cols, (i) => i % cols);
}

/** Symmetric per-tensor int8, used for embedding tables read through Gather. */
export function quantizePerTensor(w: Float32Array): { q: Int8Array; scale: number } {
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i] ?? 0));
  const scale = Math.fround(maxAbs > 0 ? maxAbs / 127 : 1);
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const v = Math.round((w[i] ?? 0) / scale);
    q[i] = v > 127 ? 127 : v < -127 ? -127 : v;
  }
  return { q, scale };
}

export interface Blockwise4Bit {
  /** [N, K / 32, 16]: two 4-bit values per byte, the even element in the low nibble. */
  readonly packed: Uint8Array;
  /** [N * K / 32] float32, block-major within each output column. */
  readonly scales: Float32Array;
}

/**
 * MLAS's symmetric blockwise 4-bit quantization (what MatMulNBits without zero points
 * expects): per block of 32 along K, scale = v / -8 for the value v of largest
 * magnitude, q = clamp(round(x / scale) + 8, 0, 15), dequantized as (q - 8) * scale.
 * `w` is a MatMul weight laid out [K, N].
 */
export function quantizeBlockwise4Bit(w: Float32Array, K: number, N: number): Blockwise4Bit {
  const block = MATMUL_NBITS_BLOCK_SIZE;
  if (K % block !== 0) throw new Error(`MatMulNBits needs K (${K}) to be a multiple of ${block}`);
  const blocks = K / block;
  const packed = new Uint8Array(N * blocks * (block / 2));
  const scales = new Float32Array(N * blocks);
  for (let n = 0; n < N; n++) {
    for (let kb = 0; kb < blocks; kb++) {
      let extreme = 0;
      for (let i = 0; i < block; i++) {
        const v = w[(kb * block + i) * N + n] ?? 0;
        if (Math.abs(v) > Math.abs(extreme)) extreme = v;
      }
      const scale = Math.fround(extreme / -8);
      scales[n * blocks + kb] = scale;
      const inv = scale !== 0 ? 1 / scale : 0;
      const base = (n * blocks + kb) * (block / 2);
      for (let i = 0; i < block; i++) {
        const v = w[(kb * block + i) * N + n] ?? 0;
        const q = Math.min(15, Math.max(0, Math.round(v * inv) + 8));
        packed[base + (i >> 1)] = (packed[base + (i >> 1)] ?? 0) | (i & 1 ? q << 4 : q);
      }
    }
  }
  return { packed, scales };
}

export const BNB4_BLOCK_SIZE = 64;

/** bitsandbytes' NF4 code book (quant_type 1): the 16 quantiles of a unit normal, scaled to [-1, 1]. */
export const NF4_VALUES = Float32Array.of(
  -1.0,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0.0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1.0,
);

export interface Bnb4Matrix {
  /** [(N * K + 1) / 2]: the transposed weight [N, K] row-major, two codes per byte, the first in the high nibble. */
  readonly packed: Uint8Array;
  /** [(N * K) / 64] float32: max |x| of each block of 64 consecutive elements of the transposed weight. */
  readonly absmax: Float32Array;
}

/** NF4 blockwise quantization of a MatMul weight laid out [K, N], as MatMulBnb4 reads it. */
export function quantizeBnb4(w: Float32Array, K: number, N: number): Bnb4Matrix {
  const numel = N * K;
  const blocks = Math.ceil(numel / BNB4_BLOCK_SIZE);
  const transposed = new Float32Array(numel);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) transposed[n * K + k] = w[k * N + n] ?? 0;
  const absmax = new Float32Array(blocks);
  for (let i = 0; i < numel; i++) {
    const b = Math.floor(i / BNB4_BLOCK_SIZE);
    absmax[b] = Math.max(absmax[b] ?? 0, Math.abs(transposed[i] ?? 0));
  }
  const packed = new Uint8Array(Math.ceil(numel / 2));
  for (let i = 0; i < numel; i++) {
    const scale = absmax[Math.floor(i / BNB4_BLOCK_SIZE)] ?? 0;
    const x = scale > 0 ? (transposed[i] ?? 0) / scale : 0;
    let best = 0;
    for (let c = 1; c < 16; c++) {
      if (Math.abs(x - (NF4_VALUES[c] ?? 0)) < Math.abs(x - (NF4_VALUES[best] ?? 0))) best = c;
    }
    packed[i >> 1] = (packed[i >> 1] ?? 0) | (i & 1 ? best : best << 4);
  }
  return { packed, absmax };
}

/** Computes once, hands the result to several lazy initializers, then forgets it. */
function shared<T>(compute: () => T): { get: () => T; release: () => void } {
  let value: T | undefined;
  return {
    get: () => (value ??= compute()),
    release: () => {
      value = undefined;
    },
  };
}

export interface EmbeddingTable {
  /** Rows of the table for the given int64 ids, in the compute float type. */
  gather(ids: string): string;
}

/** Registers weights on a graph in the chosen precision; returns compute-type tensor names. */
export class WeightEmitter {
  readonly floatType: FloatType;

  constructor(
    private readonly b: GraphBuilder,
    readonly precision: Precision,
  ) {
    this.floatType = computeType(precision);
    if (b.floatType !== this.floatType) throw new Error(`${precision} weights need a ${this.floatType} graph`);
  }

  /** A float initializer in the compute type. */
  private floatWeight(name: string, dims: number[], produce: () => Float32Array): string {
    if (this.floatType === DataType.FLOAT) return this.b.weight(name, DataType.FLOAT, dims, produce);
    return this.b.weight(name, DataType.FLOAT16, dims, () => toFloat16(produce()));
  }

  /** `input @ W` for a constant W laid out [inFeatures, outFeatures]. */
  linear(input: string, name: string, K: number, N: number, produce: () => Float32Array): string {
    const b = this.b;
    switch (this.precision) {
      case 'fp32':
      case 'fp16':
        return b.op1('MatMul', [input, this.floatWeight(name, [K, N], produce)]);
      case 'uint8': {
        const quantized = shared(() => quantizePerColumnUnsigned(produce(), K, N));
        const q = b.weight(`${name}_quantized`, DataType.UINT8, [K, N], () => {
          const result = quantized.get().q;
          quantized.release();
          return result;
        });
        const scale = b.weight(`${name}_scale`, DataType.FLOAT, [N], () => quantized.get().scale);
        const zeroPoint = b.weight(`${name}_zero_point`, DataType.UINT8, [N], () => quantized.get().zeroPoint);
        return this.integerMatMul(input, q, scale, zeroPoint);
      }
      case 'q8':
      case 'int8': {
        const quantized = shared(() => quantizePerColumn(produce(), K, N));
        const q = b.weight(`${name}_quantized`, DataType.INT8, [K, N], () => {
          const result = quantized.get().q;
          quantized.release();
          return result;
        });
        const scale = b.weight(`${name}_scale`, DataType.FLOAT, [N], () => quantized.get().scale);
        const zeroPoint = b.weight(`${name}_zero_point`, DataType.INT8, [N], () => new Int8Array(N));
        return this.integerMatMul(input, q, scale, zeroPoint);
      }
      case 'bnb4': {
        const quantized = shared(() => quantizeBnb4(produce(), K, N));
        const packed = b.weight(`${name}_Bnb4`, DataType.UINT8, [Math.ceil((N * K) / 2)], () => {
          const result = quantized.get().packed;
          return result;
        });
        const absmax = b.weight(`${name}_absmax`, DataType.FLOAT, [Math.ceil((N * K) / BNB4_BLOCK_SIZE)], () => {
          const result = quantized.get().absmax;
          quantized.release();
          return result;
        });
        return b.ms1(
          'MatMulBnb4',
          [input, packed, absmax],
          [attr.int('K', K), attr.int('N', N), attr.int('block_size', BNB4_BLOCK_SIZE), attr.int('quant_type', 1)],
        );
      }
      case 'q4':
      case 'q4f16': {
        const blocks = K / MATMUL_NBITS_BLOCK_SIZE;
        const quantized = shared(() => quantizeBlockwise4Bit(produce(), K, N));
        const scales =
          this.floatType === DataType.FLOAT
            ? b.weight(`${name}_scales`, DataType.FLOAT, [N * blocks], () => quantized.get().scales)
            : b.weight(`${name}_scales`, DataType.FLOAT16, [N * blocks], () => toFloat16(quantized.get().scales));
        const packed = b.weight(`${name}_Q4`, DataType.UINT8, [N, blocks, MATMUL_NBITS_BLOCK_SIZE / 2], () => {
          const result = quantized.get().packed;
          quantized.release();
          return result;
        });
        return b.ms1(
          'MatMulNBits',
          [input, packed, scales],
          [attr.int('K', K), attr.int('N', N), attr.int('bits', 4), attr.int('block_size', MATMUL_NBITS_BLOCK_SIZE)],
        );
      }
    }
  }

  /** ORT's IntegerOps MatMul: quantize A per call, integer product, rescale by As * Ws. */
  private integerMatMul(input: string, q: string, scale: string, zeroPoint: string): string {
    const b = this.b;
    const [aq, aScale, aZero] = b.op('DynamicQuantizeLinear', [input], [], 3) as [string, string, string];
    const product = b.op1('MatMulInteger', [aq, q, aZero, zeroPoint]);
    const asFloat = b.op1('Cast', [product], [attr.int('to', DataType.FLOAT)]);
    return b.op1('Mul', [asFloat, b.op1('Mul', [aScale, scale])]);
  }

  /** Embedding table [rows, cols]. In q8 the Gather reads int8 rows and dequantizes only those. */
  table(name: string, rows: number, cols: number, produce: () => Float32Array): EmbeddingTable {
    const b = this.b;
    if (this.precision === 'uint8') {
      const quantized = shared(() => quantizeUnsigned(produce(), 1, () => 0));
      const scale = b.weight(`${name}_scale`, DataType.FLOAT, [], () => quantized.get().scale);
      const zeroPoint = b.weight(`${name}_zero_point`, DataType.UINT8, [], () => quantized.get().zeroPoint);
      const q = b.weight(`${name}_quantized`, DataType.UINT8, [rows, cols], () => {
        const result = quantized.get().q;
        quantized.release();
        return result;
      });
      return { gather: (ids) => b.op1('DequantizeLinear', [b.op1('Gather', [q, ids]), scale, zeroPoint]) };
    }
    if (this.precision !== 'q8' && this.precision !== 'int8') {
      const weight = this.floatWeight(name, [rows, cols], produce);
      return { gather: (ids) => b.op1('Gather', [weight, ids]) };
    }
    const quantized = shared(() => quantizePerTensor(produce()));
    const scale = b.weight(`${name}_scale`, DataType.FLOAT, [], () => Float32Array.of(quantized.get().scale));
    const zeroPoint = b.weight(`${name}_zero_point`, DataType.INT8, [], () => new Int8Array(1));
    const q = b.weight(`${name}_quantized`, DataType.INT8, [rows, cols], () => {
      const result = quantized.get().q;
      quantized.release();
      return result;
    });
    return { gather: (ids) => b.op1('DequantizeLinear', [b.op1('Gather', [q, ids]), scale, zeroPoint]) };
  }

  /** Small vectors (norm weights, biases) in the compute type. */
  vector(name: string, length: number, produce: () => Float32Array): string {
    return this.floatWeight(name, [length], produce);
  }
}
