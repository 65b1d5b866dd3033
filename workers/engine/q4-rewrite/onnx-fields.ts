/**
 * The parts of onnx.proto the q4 rewrite reads and writes, by field number
 * (github.com/onnx/onnx/blob/main/onnx/onnx.proto).
 */
import { fieldsOf, MessageWriter, payload, text, varints, WIRE_I32, type Field } from './wire';

export const MODEL = { graph: 7 } as const;
export const GRAPH = { node: 1, initializer: 5, input: 11 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, type: 20 } as const;
/** AttributeProto.AttributeType: the rewrite writes only INT attributes (Cast's `to`). */
const ATTRIBUTE_TYPE = { int: 2 } as const;
const TENSOR = { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9, dataLocation: 14 } as const;
const VALUE_INFO = { name: 1 } as const;

export const DATA_TYPE = { float: 1, uint8: 2, float16: 10 } as const;

export type AttributeValue = number | string;

export interface NodeFields {
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  domain: string;
  attributes: Map<string, AttributeValue>;
}

export interface TensorFields {
  name: string;
  dims: number[];
  dataType: number;
  /** The bytes of raw_data, as a view into the file; null when the data is elsewhere. */
  raw: Uint8Array | null;
  /** float_data, where a writer used it instead of raw_data. */
  floats: number[] | null;
  external: boolean;
}

function readAttribute(buf: Uint8Array, f: Field): [string, AttributeValue | undefined] {
  let name = '';
  let value: AttributeValue | undefined;
  for (const a of fieldsOf(buf, f.value, f.end)) {
    if (a.no === ATTRIBUTE.name) name = text(buf, a);
    else if (a.no === ATTRIBUTE.i) value = a.value;
    else if (a.no === ATTRIBUTE.s) value = text(buf, a);
    else if (a.no === ATTRIBUTE.f && a.wire === WIRE_I32)
      value = new DataView(buf.buffer, buf.byteOffset + a.end - 4, 4).getFloat32(0, true);
  }
  return [name, value];
}

export function readNode(buf: Uint8Array, f: Field): NodeFields {
  const node: NodeFields = { inputs: [], outputs: [], name: '', opType: '', domain: '', attributes: new Map() };
  for (const n of fieldsOf(buf, f.value, f.end)) {
    if (n.no === NODE.input) node.inputs.push(text(buf, n));
    else if (n.no === NODE.output) node.outputs.push(text(buf, n));
    else if (n.no === NODE.name) node.name = text(buf, n);
    else if (n.no === NODE.opType) node.opType = text(buf, n);
    else if (n.no === NODE.domain) node.domain = text(buf, n);
    else if (n.no === NODE.attribute) {
      const [name, value] = readAttribute(buf, n);
      if (value !== undefined) node.attributes.set(name, value);
    }
  }
  return node;
}

/** The node's op type and its inputs only: what every node of the graph is read for. */
export function readNodeInputs(buf: Uint8Array, f: Field): { opType: string; inputs: string[] } {
  let opType = '';
  const inputs: string[] = [];
  for (const n of fieldsOf(buf, f.value, f.end)) {
    if (n.no === NODE.input) inputs.push(text(buf, n));
    else if (n.no === NODE.opType) opType = text(buf, n);
  }
  return { opType, inputs };
}

export function readTensor(buf: Uint8Array, f: Field): TensorFields {
  const tensor: TensorFields = { name: '', dims: [], dataType: 0, raw: null, floats: null, external: false };
  for (const t of fieldsOf(buf, f.value, f.end)) {
    if (t.no === TENSOR.name) tensor.name = text(buf, t);
    else if (t.no === TENSOR.dims) tensor.dims.push(...varints(buf, t));
    else if (t.no === TENSOR.dataType) tensor.dataType = t.value;
    else if (t.no === TENSOR.rawData) tensor.raw = payload(buf, t);
    else if (t.no === TENSOR.dataLocation) tensor.external = t.value === 1;
    else if (t.no === TENSOR.floatData) {
      const bytes = payload(buf, t);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      tensor.floats ??= [];
      if (t.wire === WIRE_I32)
        tensor.floats.push(new DataView(buf.buffer, buf.byteOffset + t.end - 4, 4).getFloat32(0, true));
      else for (let i = 0; i + 4 <= bytes.byteLength; i += 4) tensor.floats.push(view.getFloat32(i, true));
    }
  }
  return tensor;
}

/** The name of an initializer or a graph input (the first field of both), without reading the rest. */
export function readName(buf: Uint8Array, f: Field, fieldNo: number): string {
  for (const t of fieldsOf(buf, f.value, f.end)) if (t.no === fieldNo) return text(buf, t);
  return '';
}
export const tensorName = (buf: Uint8Array, f: Field): string => readName(buf, f, TENSOR.name);
export const valueInfoName = (buf: Uint8Array, f: Field): string => readName(buf, f, VALUE_INFO.name);

export interface NewNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  ints?: Record<string, number>;
}

export function writeNode(node: NewNode): MessageWriter {
  const w = new MessageWriter();
  for (const input of node.inputs) w.string(NODE.input, input);
  for (const output of node.outputs) w.string(NODE.output, output);
  w.string(NODE.name, node.name).string(NODE.opType, node.opType);
  for (const [name, value] of Object.entries(node.ints ?? {})) {
    w.message(
      NODE.attribute,
      new MessageWriter().string(ATTRIBUTE.name, name).int(ATTRIBUTE.i, value).int(ATTRIBUTE.type, ATTRIBUTE_TYPE.int),
    );
  }
  return w;
}

export function writeTensor(name: string, dims: number[], dataType: number, raw: Uint8Array): MessageWriter {
  const w = new MessageWriter();
  for (const d of dims) w.int(TENSOR.dims, d);
  return w.int(TENSOR.dataType, dataType).string(TENSOR.name, name).bytes(TENSOR.rawData, raw);
}
