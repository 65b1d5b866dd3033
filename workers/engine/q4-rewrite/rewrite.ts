/**
 * The q4 files' `MatMulNBits` nodes, rewritten once at load into a plain `MatMul` over a
 * dequantized weight. ONNX Runtime's WASM build has no 4-bit kernel: it dequantizes all of B to
 * fp32 on every call (../shared/notes/real-hub-exports.md), which makes q4 the slowest form on
 * the CPU. Unpacked once, the same weights run at fp16 (or fp32) MatMul speed; the price is the
 * memory of the dense weights. Everything else in the file is copied byte for byte.
 */
import {
  DATA_TYPE,
  GRAPH,
  MODEL,
  readNode,
  readNodeInputs,
  readTensor,
  tensorName,
  valueInfoName,
  writeNode,
  writeTensor,
  type NewNode,
  type NodeFields,
  type TensorFields,
} from './onnx-fields';
import {
  bytesToFloats,
  dequantizeNBits,
  halfsToFloats,
  nbitsShapeProblem,
  type DenseType,
  type NBitsWeight,
} from './dequantize';
import { Q4_UNPACK_LIMIT_BYTES } from '../../../common/dtype-policy';
import { formatBytes } from '../../../common/format-bytes';
import { fieldsOf, MessageWriter, WIRE_LEN, type Field } from './wire';

export interface RewriteReport {
  /** MatMulNBits nodes replaced. */
  rewritten: number;
  /** Nodes left as they were, with why (external data, g_idx, another bit width...). */
  kept: { node: string; why: string }[];
  /** Bytes of the dense weights that replaced the packed ones. */
  denseBytes: number;
  /** Bytes of the packed weights, scales and zero points removed. */
  packedBytes: number;
  dense: DenseType;
}

export interface RewriteResult {
  /** The rewritten model, or null when nothing was rewritten (then load the original). */
  bytes: Uint8Array<ArrayBuffer> | null;
  report: RewriteReport;
}

const MS_DOMAIN = 'com.microsoft';

const CAST_TO = { fp16: DATA_TYPE.float16, fp32: DATA_TYPE.float } as const;

function floatsOf(t: TensorFields): Float32Array | null {
  if (t.dataType === DATA_TYPE.float) return t.raw ? bytesToFloats(t.raw) : t.floats && Float32Array.from(t.floats);
  if (t.dataType === DATA_TYPE.float16 && t.raw) return halfsToFloats(t.raw);
  return null;
}

type Plan =
  | { kind: 'keep'; why: string }
  | { kind: 'rewrite'; weight: NBitsWeight; scalesHalf: boolean; bias: string | null; drop: string[] };

function planNode(node: NodeFields, tensors: Map<string, TensorFields>): Plan {
  const keep = (why: string): Plan => ({ kind: 'keep', why });
  const [, bName = '', scalesName = '', zpName = '', gIdx = '', bias = ''] = node.inputs;
  const bits = node.attributes.get('bits') ?? 4;
  if (bits !== 4) return keep(`bits = ${bits}`);
  if (gIdx) return keep('g_idx (act-order) is not supported');
  const [K, N, blockSize] = ['K', 'N', 'block_size'].map((a) => node.attributes.get(a));
  if (typeof K !== 'number' || typeof N !== 'number' || typeof blockSize !== 'number')
    return keep('K, N or block_size is missing');
  const b = tensors.get(bName);
  const scales = tensors.get(scalesName);
  const zp = zpName ? tensors.get(zpName) : undefined;
  if (!b || !scales || (zpName && !zp)) return keep('B, scales or zero_points is not an initializer');
  if (b.external || scales.external || zp?.external) return keep('its weights are in external data');
  if (b.dataType !== DATA_TYPE.uint8 || !b.raw) return keep('B is not uint8 raw data');
  const scaleValues = floatsOf(scales);
  if (!scaleValues) return keep('scales are neither float32 nor float16');
  let zeroPoints: NBitsWeight['zeroPoints'] = null;
  if (zp) {
    if (zp.dataType === DATA_TYPE.uint8 && zp.raw) zeroPoints = { packed: zp.raw };
    else {
      const values = floatsOf(zp);
      if (!values) return keep('zero_points are of an unsupported type');
      zeroPoints = { values };
    }
  }
  const weight: NBitsWeight = { K, N, blockSize, packed: b.raw, scales: scaleValues, zeroPoints };
  const problem = nbitsShapeProblem(weight);
  if (problem) return keep(problem);
  const drop = [bName, scalesName, ...(zpName ? [zpName] : [])];
  return { kind: 'rewrite', weight, scalesHalf: scales.dataType === DATA_TYPE.float16, bias: bias || null, drop };
}

/**
 * The nodes that replace one MatMulNBits. Its A and Y keep their type: float32 in q4 files,
 * float16 in q4f16 files. With fp32 activations and fp16 weights, A is cast down and the
 * product cast back up (an fp16 MatMul reads half the bytes of an fp32 one).
 */
function replacement(
  node: NodeFields,
  dense: DenseType,
  scalesHalf: boolean,
  weightName: string,
  bias: string | null,
): NewNode[] {
  const a = node.inputs[0] ?? '';
  const y = node.outputs[0] ?? '';
  const base = `${node.name || y}/q4_rewrite`;
  const activation: DenseType = scalesHalf ? 'fp16' : 'fp32';
  const nodes: NewNode[] = [];
  let input = a;
  if (activation !== dense) {
    nodes.push({
      name: `${base}/cast_a`,
      opType: 'Cast',
      inputs: [a],
      outputs: [`${base}/a`],
      ints: { to: CAST_TO[dense] },
    });
    input = `${base}/a`;
  }
  const product = activation !== dense ? `${base}/y` : bias ? `${base}/matmul` : y;
  nodes.push({ name: `${base}/matmul`, opType: 'MatMul', inputs: [input, weightName], outputs: [product] });
  let out = product;
  if (activation !== dense) {
    out = bias ? `${base}/cast` : y;
    nodes.push({
      name: `${base}/cast_y`,
      opType: 'Cast',
      inputs: [product],
      outputs: [out],
      ints: { to: CAST_TO[activation] },
    });
  }
  if (bias) nodes.push({ name: `${base}/bias`, opType: 'Add', inputs: [out, bias], outputs: [y] });
  return nodes;
}

/**
 * Rewrites every MatMulNBits of the main graph. `requested` is the dense weights' type: fp32 is
 * exact against ORT's own dequantization and the fastest (measured); fp16 halves the memory;
 * `auto` takes fp32 where the unpacked model fits the limit, else fp16. A q4f16 file's weights
 * stay fp16 whatever is asked (its activations are fp16).
 */
export function rewriteMatMulNBits(
  model: Uint8Array,
  requested: DenseType | 'auto',
  options: { maxModelBytes?: number } = {},
): RewriteResult {
  const report: RewriteReport = {
    rewritten: 0,
    kept: [],
    denseBytes: 0,
    packedBytes: 0,
    dense: requested === 'auto' ? 'fp32' : requested,
  };
  const top = [...fieldsOf(model)];
  const graphField = top.find((f) => f.no === MODEL.graph && f.wire === WIRE_LEN);
  if (!graphField) return { bytes: null, report };
  const graph = [...fieldsOf(model, graphField.value, graphField.end)];

  const initializers = new Map<string, Field>();
  const nameOf = new Map<Field, string>();
  const uses = new Map<string, number>();
  const targets: { field: Field; node: NodeFields }[] = [];
  for (const f of graph) {
    if (f.no === GRAPH.initializer) {
      const name = tensorName(model, f);
      initializers.set(name, f);
      nameOf.set(f, name);
    }
    if (f.no !== GRAPH.node) continue;
    const { opType, inputs } = readNodeInputs(model, f);
    for (const input of inputs) uses.set(input, (uses.get(input) ?? 0) + 1);
    if (opType === 'MatMulNBits') {
      const node = readNode(model, f);
      if (node.domain === MS_DOMAIN) targets.push({ field: f, node });
    }
  }
  if (targets.length === 0) return { bytes: null, report };

  const tensors = new Map<string, TensorFields>();
  for (const { node } of targets)
    for (const input of node.inputs.slice(1, 4)) {
      const f = initializers.get(input);
      if (f && !tensors.has(input)) tensors.set(input, readTensor(model, f));
    }

  const replaced = new Map<Field, MessageWriter[]>();
  const added: MessageWriter[] = [];
  const released = new Map<string, number>();
  const names = new Set(initializers.keys());
  const plans: { field: Field; node: NodeFields; plan: Extract<Plan, { kind: 'rewrite' }> }[] = [];
  for (const { field, node } of targets) {
    const plan = planNode(node, tensors);
    if (plan.kind === 'keep') report.kept.push({ node: node.name, why: plan.why });
    else plans.push({ field, node, plan });
  }
  if (plans.length === 0) return { bytes: null, report };
  // Sized before anything is unpacked: a model that would not fit stays as shipped (slower, but it runs).
  const typeOf = (plan: Extract<Plan, { kind: 'rewrite' }>, dense: DenseType): DenseType =>
    plan.scalesHalf ? 'fp16' : dense;
  const packedBytes = plans.reduce(
    (n, p) => n + p.plan.weight.packed.byteLength + p.plan.weight.scales.length * (p.plan.scalesHalf ? 2 : 4),
    0,
  );
  const unpackedWith = (dense: DenseType) =>
    plans.reduce(
      (n, p) => n + p.plan.weight.K * p.plan.weight.N * (typeOf(p.plan, dense) === 'fp16' ? 2 : 4),
      model.byteLength - packedBytes,
    );
  const limit = options.maxModelBytes ?? Q4_UNPACK_LIMIT_BYTES;
  const candidates: DenseType[] = requested === 'auto' ? ['fp32', 'fp16'] : [requested];
  const dense = candidates.find((d) => unpackedWith(d) <= limit);
  if (!dense) {
    const smallest = candidates.at(-1) ?? 'fp16';
    report.kept.push({
      node: `all ${plans.length} nodes`,
      why: `unpacked to ${smallest}, the model would be about ${formatBytes(unpackedWith(smallest))}, past the ${formatBytes(limit)} it may take`,
    });
    return { bytes: null, report };
  }
  report.dense = dense;
  for (const { field, node, plan } of plans) {
    const type = typeOf(plan, dense);
    const values = dequantizeNBits(plan.weight, type);
    let weightName = `${node.inputs[1] ?? node.name}_dequantized`;
    while (names.has(weightName)) weightName += '_';
    names.add(weightName);
    const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    added.push(writeTensor(weightName, [plan.weight.K, plan.weight.N], CAST_TO[type], raw));
    replaced.set(field, replacement(node, type, plan.scalesHalf, weightName, plan.bias).map(writeNode));
    for (const name of plan.drop) released.set(name, (released.get(name) ?? 0) + 1);
    report.rewritten++;
    report.denseBytes += raw.byteLength;
  }
  if (report.rewritten === 0) return { bytes: null, report };

  // An initializer goes only when every node that read it was rewritten (a tied weight may have another reader).
  const dropped = new Set([...released].filter(([name, n]) => n === (uses.get(name) ?? 0)).map(([name]) => name));
  const out = new MessageWriter();
  for (const f of graph) {
    const nodes = replaced.get(f);
    if (nodes) for (const n of nodes) out.message(GRAPH.node, n);
    else if (f.no === GRAPH.initializer && dropped.has(nameOf.get(f) ?? '')) report.packedBytes += f.end - f.start;
    else if (f.no === GRAPH.input && dropped.has(valueInfoName(model, f))) continue;
    else out.raw(model.subarray(f.start, f.end));
  }
  for (const t of added) out.message(GRAPH.initializer, t);

  const file = new MessageWriter();
  for (const f of top) {
    if (f === graphField) file.message(MODEL.graph, out);
    else file.raw(model.subarray(f.start, f.end));
  }
  return { bytes: file.finish(), report };
}
