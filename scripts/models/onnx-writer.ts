/**
 * Streams a `GraphBuilder` to an `.onnx` file.
 *
 * protobufjs can only encode a message into one contiguous buffer, which for the
 * benchmark replicas would mean holding every weight twice (source arrays plus the
 * encoded copy). Protobuf lets repeated fields appear anywhere in a message, so we
 * encode the small skeleton with onnx-proto and then append each initializer as a
 * hand-framed `GraphProto.initializer` entry, producing its bytes just in time.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { elementSize, onnx, type GraphBuilder } from './onnx-builder';

// Field numbers from onnx.proto (wire type 2 = length-delimited).
const MODEL_GRAPH_TAG = (7 << 3) | 2;
const GRAPH_INITIALIZER_TAG = (5 << 3) | 2;
const TENSOR_RAW_DATA_TAG = (9 << 3) | 2;

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  // Arithmetic instead of bit ops: lengths can exceed 2^31 for the large replicas.
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

function frame(tag: number, length: number): Uint8Array {
  const len = varint(length);
  const out = new Uint8Array(1 + len.length);
  out[0] = tag;
  out.set(len, 1);
  return out;
}

export interface OnnxModelMeta {
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Writes the model to `path`; returns the number of bytes written. */
export function writeOnnxModel(path: string, graph: GraphBuilder, meta: OnnxModelMeta): number {
  const skeleton = onnx.GraphProto.encode({
    name: graph.name,
    node: graph.nodes,
    initializer: graph.constants,
    input: graph.inputs,
    output: graph.outputs,
  }).finish();

  const tensors = graph.lazyInitializers.map((init) => {
    const header = onnx.TensorProto.encode({ name: init.name, dataType: init.dataType, dims: [...init.dims] }).finish();
    const rawLength = init.dims.reduce((a, b) => a * b, 1) * elementSize(init.dataType);
    const rawFrame = frame(TENSOR_RAW_DATA_TAG, rawLength);
    const tensorLength = header.length + rawFrame.length + rawLength;
    return { init, header, rawFrame, rawLength, outerFrame: frame(GRAPH_INITIALIZER_TAG, tensorLength) };
  });
  const graphLength = tensors.reduce(
    (sum, t) => sum + t.outerFrame.length + t.header.length + t.rawFrame.length + t.rawLength,
    skeleton.length,
  );
  if (graphLength >= 2 ** 31) throw new Error(`ONNX graph of ${graphLength} bytes exceeds the 2 GB protobuf limit`);

  const head = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: meta.producerName,
    producerVersion: meta.producerVersion,
    docString: meta.docString ?? '',
    metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
  }).finish();

  const fd = openSync(path, 'w');
  let written = 0;
  const put = (bytes: Uint8Array): void => {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    written += bytes.length;
  };
  try {
    put(head);
    put(frame(MODEL_GRAPH_TAG, graphLength));
    put(skeleton);
    for (const t of tensors) {
      const raw = t.init.produce();
      if (raw.length !== t.rawLength) {
        throw new Error(`initializer ${t.init.name}: produced ${raw.length} bytes, expected ${t.rawLength}`);
      }
      put(t.outerFrame);
      put(t.header);
      put(t.rawFrame);
      put(raw);
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
