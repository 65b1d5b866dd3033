/**
 * Minimal helpers for assembling an ONNX graph with `onnx-proto`.
 *
 * Large weights are registered as *lazy* initializers (a byte producer plus the
 * shape), so the graph skeleton stays tiny and `onnx-writer.ts` can stream the
 * tensor bytes to disk one at a time instead of materialising a 500 MB protobuf.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { toFloat16 } from '../../common/float16';

export const { onnx } = onnxProto;
export type AttributeProto = OnnxTypes.IAttributeProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;

export const DataType = onnx.TensorProto.DataType;
export type DataType = OnnxTypes.TensorProto.DataType;

const BYTES_PER_ELEMENT: Partial<Record<DataType, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.FLOAT16]: 2,
  [DataType.INT64]: 8,
  [DataType.INT32]: 4,
  [DataType.INT8]: 1,
  [DataType.UINT8]: 1,
  [DataType.BOOL]: 1,
};

export function elementSize(dataType: DataType): number {
  const size = BYTES_PER_ELEMENT[dataType];
  if (size === undefined) throw new Error(`unsupported tensor data type ${dataType}`);
  return size;
}

export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i }),
  ints: (name: string, ints: number[]): AttributeProto => ({
    name,
    type: onnx.AttributeProto.AttributeType.INTS,
    ints,
  }),
  float: (name: string, f: number): AttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f }),
};

/** A weight whose bytes are produced only when the file is written. */
export interface LazyInitializer {
  readonly name: string;
  readonly dataType: DataType;
  readonly dims: readonly number[];
  readonly produce: () => Uint8Array;
}

export type Dim = number | string;

/** Microsoft's contrib-op domain (MatMulNBits, GroupQueryAttention, RotaryEmbedding, ...). */
export const MS_DOMAIN = 'com.microsoft';

/** The float type activations are computed in: float32, or float16 after the fp16 conversion. */
export type FloatType = typeof DataType.FLOAT | typeof DataType.FLOAT16;

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  /** Small constants, serialised inline with the graph skeleton. */
  readonly constants: TensorProto[] = [];
  readonly lazyInitializers: LazyInitializer[] = [];
  private readonly usedNames = new Set<string>();
  private readonly constantCache = new Map<string, string>();
  private scope = '';

  /** Non-default operator domains used by the nodes, for the model's opset imports. */
  readonly domains = new Set<string>();

  constructor(
    readonly name: string,
    /** Type of `float()` constants and of every activation the graph computes. */
    readonly floatType: FloatType = DataType.FLOAT,
  ) {}

  /** Prefixes generated node/tensor names, which keeps graphs readable in Netron. */
  inScope<T>(scope: string, body: () => T): T {
    const saved = this.scope;
    this.scope = scope;
    try {
      return body();
    } finally {
      this.scope = saved;
    }
  }

  /** A unique tensor name in the current scope. */
  freshName(base: string): string {
    return this.fresh(base);
  }

  private fresh(base: string): string {
    const prefixed = this.scope ? `/${this.scope}/${base}` : `/${base}`;
    let candidate = prefixed;
    for (let n = 1; this.usedNames.has(candidate); n++) candidate = `${prefixed}_${n}`;
    this.usedNames.add(candidate);
    return candidate;
  }

  /** Adds a node; returns its output tensor names (generated unless given). */
  op(
    opType: string,
    inputs: string[],
    attributes: AttributeProto[] = [],
    outputs: number | string[] = 1,
    domain = '',
  ): string[] {
    const nodeName = this.fresh(opType);
    const outputNames =
      typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `${nodeName}_output_${i}`) : outputs;
    const node: NodeProto = { name: nodeName, opType, input: inputs, output: outputNames, attribute: attributes };
    if (domain) {
      node.domain = domain;
      this.domains.add(domain);
    }
    this.nodes.push(node);
    return outputNames;
  }

  /** Single-output node of the com.microsoft domain. */
  ms1(opType: string, inputs: string[], attributes: AttributeProto[] = [], output?: string): string {
    const [result] = this.op(opType, inputs, attributes, output === undefined ? 1 : [output], MS_DOMAIN);
    return result as string;
  }

  /** Single-output convenience wrapper around `op`. */
  op1(opType: string, inputs: string[], attributes: AttributeProto[] = [], output?: string): string {
    const [result] = this.op(opType, inputs, attributes, output === undefined ? 1 : [output]);
    return result as string;
  }

  private constant(dataType: DataType, dims: number[], raw: Uint8Array, label: string): string {
    const key = `${dataType}|${dims.join(',')}|${Buffer.from(raw).toString('base64')}`;
    const cached = this.constantCache.get(key);
    if (cached !== undefined) return cached;
    const name = this.fresh(`const_${label}`);
    this.constants.push({ name, dataType, dims, rawData: Uint8Array.from(raw) });
    this.constantCache.set(key, name);
    return name;
  }

  /** int64 constant; a plain number gives a scalar (rank 0). */
  i64(values: number | number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    const dims = typeof values === 'number' ? [] : [list.length];
    const data = BigInt64Array.from(list, (v) => BigInt(v));
    return this.constant(DataType.INT64, dims, bytesOf(data), `i64_${list.join('_').slice(0, 24)}`);
  }

  /** float32 constant; a plain number gives a scalar (rank 0). */
  f32(values: number | Float32Array, dims?: number[]): string {
    const data = typeof values === 'number' ? Float32Array.of(values) : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    const label = typeof values === 'number' ? `f32_${values}` : 'f32';
    return this.constant(DataType.FLOAT, shape, bytesOf(data), label);
  }

  /** Constant in the graph's compute float type (float16 values are clipped as the fp16 converter does). */
  float(values: number | Float32Array, dims?: number[]): string {
    if (this.floatType === DataType.FLOAT) return this.f32(values, dims);
    const data = typeof values === 'number' ? Float32Array.of(values) : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    return this.constant(DataType.FLOAT16, shape, bytesOf(toFloat16(data)), 'f16');
  }

  /** Casts a tensor to the compute float type. */
  toFloat(input: string, output?: string): string {
    return this.op1('Cast', [input], [attr.int('to', this.floatType)], output);
  }

  /** Registers a (possibly huge) named initializer whose bytes are produced on demand. */
  weight(name: string, dataType: DataType, dims: number[], produce: () => ArrayBufferView): string {
    if (this.usedNames.has(name)) throw new Error(`duplicate initializer ${name}`);
    this.usedNames.add(name);
    this.lazyInitializers.push({ name, dataType, dims, produce: () => bytesOf(produce()) });
    return name;
  }

  input(name: string, elemType: DataType, shape: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: DataType, shape: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, shape));
  }
}

function valueInfo(name: string, elemType: DataType, shape: Dim[]): ValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
