/**
 * Streams a `GraphBuilder` to an `.onnx` file.
 *
 * protobufjs can only encode a message into one contiguous buffer, which for the
 * benchmark replicas would mean holding every weight twice (source arrays plus the
 * encoded copy). Protobuf lets repeated fields appear anywhere in a message, so we
 * encode the small skeleton with onnx-proto and then append each initializer as a
 * hand-framed `GraphProto.initializer` entry, producing its bytes just in time.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { onnx as OnnxTypes } from 'onnx-proto';
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
  /**
   * Store the weights outside the protobuf, as `onnx.save(..., save_as_external_data=True)`
   * does: in `<file>_data`, `<file>_data_1`, ... (`chunks` files, the names transformers.js
   * requests when `use_external_data_format` declares that count).
   */
  readonly externalDataChunks?: number;
}

/** The external data file names transformers.js derives for `fileName` (`model.onnx_data`, `model.onnx_data_1`). */
export function externalDataFileNames(fileName: string, chunks: number): string[] {
  return Array.from({ length: chunks }, (_, i) => `${fileName}_data${i === 0 ? '' : `_${i}`}`);
}

/** Writes the model to `path`; returns the number of bytes written. */
export function writeOnnxModel(path: string, graph: GraphBuilder, meta: OnnxModelMeta): number {
  if (meta.externalDataChunks) return writeWithExternalData(path, graph, meta, meta.externalDataChunks);
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

  const head = modelHead(graph, meta);

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

function modelHead(graph: GraphBuilder, meta: OnnxModelMeta): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [
      { domain: '', version: OPSET_VERSION },
      ...[...graph.domains].sort().map((domain) => ({ domain, version: 1 })),
    ],
    producerName: meta.producerName,
    producerVersion: meta.producerVersion,
    docString: meta.docString ?? '',
    metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
  }).finish();
}

/**
 * External-data layout: every lazy initializer becomes a TensorProto with
 * data_location = EXTERNAL and (location, offset, length) entries; the bytes go to
 * the chunk files, filled in order, each chunk taking about an equal share.
 */
function writeWithExternalData(path: string, graph: GraphBuilder, meta: OnnxModelMeta, chunks: number): number {
  const fileName = basename(path);
  const names = externalDataFileNames(fileName, chunks);
  const sizes = graph.lazyInitializers.map((init) => init.dims.reduce((a, b) => a * b, 1) * elementSize(init.dataType));
  const total = sizes.reduce((a, b) => a + b, 0);
  const perChunk = Math.ceil(total / chunks);
  const fds = names.map((name) => openSync(join(dirname(path), name), 'w'));
  const offsets = names.map(() => 0);
  const tensors: OnnxTypes.ITensorProto[] = [];
  let chunk = 0;
  try {
    graph.lazyInitializers.forEach((init, i) => {
      const size = sizes[i] ?? 0;
      if ((offsets[chunk] ?? 0) > 0 && (offsets[chunk] ?? 0) + size > perChunk && chunk < chunks - 1) chunk++;
      const raw = init.produce();
      if (raw.length !== size)
        throw new Error(`initializer ${init.name}: produced ${raw.length} bytes, expected ${size}`);
      const fd = fds[chunk] as number;
      let done = 0;
      while (done < raw.length) done += writeSync(fd, raw, done, raw.length - done);
      tensors.push({
        name: init.name,
        dataType: init.dataType,
        dims: [...init.dims],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: names[chunk] },
          { key: 'offset', value: String(offsets[chunk]) },
          { key: 'length', value: String(size) },
        ],
      });
      offsets[chunk] = (offsets[chunk] ?? 0) + size;
    });
  } finally {
    fds.forEach((fd) => closeSync(fd));
  }
  if (offsets.some((o) => o === 0)) throw new Error(`${fileName}: too few weights for ${chunks} external data chunks`);
  const model = onnx.ModelProto.decode(modelHead(graph, meta));
  model.graph = onnx.GraphProto.create({
    name: graph.name,
    node: graph.nodes,
    initializer: [...graph.constants, ...tensors],
    input: graph.inputs,
    output: graph.outputs,
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  writeFileSync(path, bytes);
  return bytes.length;
}
