/**
 * Weight emission for the two precisions transformers.js knows as `fp32`
 * (`model.onnx`) and `q8` (`model_quantized.onnx`).
 *
 * q8 stores big matrices as symmetric int8 with a float scale and a
 * DequantizeLinear node in front of the consumer, so the graph topology and
 * matmul shapes stay identical to fp32 and only the storage shrinks ~4x.
 */
import { DataType, attr, type GraphBuilder } from './onnx-builder';

export type Precision = 'fp32' | 'q8';

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
  // DequantizeLinear reconstructs exactly what we rounded to.
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
  /** Rows of the table for the given int64 ids, as float32. */
  gather(ids: string): string;
  /** The whole table as a float32 [rows, cols] tensor (tied lm_head). */
  full(): string;
}

/** Registers weights on a graph in the chosen precision; returns float32 tensor names. */
export class WeightEmitter {
  constructor(
    private readonly b: GraphBuilder,
    readonly precision: Precision,
  ) {}

  /** Right-hand side of a MatMul, laid out [in_features, out_features]. */
  matrix(name: string, rows: number, cols: number, produce: () => Float32Array): string {
    if (this.precision === 'fp32') return this.b.weight(name, DataType.FLOAT, [rows, cols], produce);
    const quantized = shared(() => quantizePerColumn(produce(), rows, cols));
    const scale = this.b.weight(`${name}_scale`, DataType.FLOAT, [cols], () => quantized.get().scale);
    const zeroPoint = this.b.weight(`${name}_zero_point`, DataType.INT8, [cols], () => new Int8Array(cols));
    const q = this.b.weight(`${name}_quantized`, DataType.INT8, [rows, cols], () => {
      const result = quantized.get().q;
      quantized.release();
      return result;
    });
    return this.b.op1('DequantizeLinear', [q, scale, zeroPoint], [attr.int('axis', 1)], `${name}_dequantized`);
  }

  /** Embedding table [rows, cols]. In q8 the Gather reads int8 rows and dequantizes only those. */
  table(name: string, rows: number, cols: number, produce: () => Float32Array): EmbeddingTable {
    const b = this.b;
    if (this.precision === 'fp32') {
      const weight = b.weight(name, DataType.FLOAT, [rows, cols], produce);
      return { gather: (ids) => b.op1('Gather', [weight, ids]), full: () => weight };
    }
    const quantized = shared(() => quantizePerTensor(produce()));
    const scale = b.weight(`${name}_scale`, DataType.FLOAT, [], () => Float32Array.of(quantized.get().scale));
    const zeroPoint = b.weight(`${name}_zero_point`, DataType.INT8, [], () => new Int8Array(1));
    const q = b.weight(`${name}_quantized`, DataType.INT8, [rows, cols], () => {
      const result = quantized.get().q;
      quantized.release();
      return result;
    });
    return {
      gather: (ids) => b.op1('DequantizeLinear', [b.op1('Gather', [q, ids]), scale, zeroPoint]),
      full: () => b.op1('DequantizeLinear', [q, scale, zeroPoint]),
    };
  }

  /** Small float vectors (norm weights, biases) stay float32 in both precisions. */
  vector(name: string, length: number, produce: () => Float32Array): string {
    return this.b.weight(name, DataType.FLOAT, [length], produce);
  }
}
