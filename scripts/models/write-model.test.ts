import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, onnx } from './onnx-builder';
import { MODEL_SPECS, findSpec } from './specs';
import { generateIntoTemp, hashTree, makeTempDir, removeDir } from './test-support';
import { MODEL_FILES, generateModel } from './write-model';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe('generateModel', () => {
  it('is byte-for-byte deterministic', () => {
    const a = generateIntoTemp('det-a', ['demo', 'eos-test']);
    const b = generateIntoTemp('det-b', ['demo', 'eos-test']);
    dirs.push(a, b);
    const hashesA = hashTree(a);
    expect(Object.keys(hashesA).sort()).toEqual(
      ['demo', 'eos-test'].flatMap((name) => MODEL_FILES.map((file) => `${name}/${file}`)).sort(),
    );
    expect(hashTree(b)).toEqual(hashesA);
  });

  it('keeps the bundled models small', () => {
    const dir = generateIntoTemp('size', ['demo']);
    dirs.push(dir);
    const onnxBytes = statSync(join(dir, 'demo/onnx/model.onnx')).size;
    const q8Bytes = statSync(join(dir, 'demo/onnx/model_quantized.onnx')).size;
    expect(onnxBytes + q8Bytes).toBeLessThan(10 * 1024 * 1024);
    expect(q8Bytes).toBeLessThan(onnxBytes / 3);
  });

  it('skips up-to-date folders and regenerates stale, incomplete or forced ones', () => {
    const out = makeTempDir('skip');
    dirs.push(out);
    const spec = findSpec('demo');
    expect(generateModel(spec, out).skipped).toBe(false);
    expect(generateModel(spec, out).skipped).toBe(true);
    expect(generateModel(spec, out, { force: true }).skipped).toBe(false);

    const configPath = join(out, 'demo/config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { typewriter: { specHash: string } };
    config.typewriter.specHash = 'stale';
    writeFileSync(configPath, JSON.stringify(config));
    expect(generateModel(spec, out).skipped).toBe(false);

    rmSync(join(out, 'demo/onnx/model_quantized.onnx'));
    const result = generateModel(spec, out);
    expect(result.skipped).toBe(false);
    expect(result.files.map((f) => f.path)).toEqual([...MODEL_FILES]);
    expect(generateModel(spec, out).skipped).toBe(true);
  });
});

describe('ONNX graph contract', () => {
  let dir = '';
  beforeAll(() => {
    dir = generateIntoTemp('contract', ['demo']);
    dirs.push(dir);
  });
  const load = (file: string) => onnx.ModelProto.decode(readFileSync(join(dir, 'demo/onnx', file)));
  /** Decoded messages are class instances, whose repeated fields are always arrays. */
  const graphOf = (file: string) => {
    const graph = load(file).graph as OnnxTypes.GraphProto | null | undefined;
    if (!graph) throw new Error(`${file} has no graph`);
    return graph;
  };
  const shapeOf = (info: OnnxTypes.IValueInfoProto) =>
    (info.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));

  it('uses IR 8 / opset 17 and the Hugging Face input/output names and shapes', () => {
    const { architecture: a } = findSpec('demo');
    const model = load('model.onnx');
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = graphOf('model.onnx');
    const inputs = Object.fromEntries(graph.input.map((i) => [i.name, shapeOf(i)]));
    expect(inputs['input_ids']).toEqual(['batch_size', 'sequence_length']);
    expect(inputs['attention_mask']).toEqual(['batch_size', 'total_sequence_length']);
    expect(inputs['position_ids']).toEqual(['batch_size', 'sequence_length']);
    for (let l = 0; l < a.numHiddenLayers; l++) {
      for (const kind of ['key', 'value']) {
        expect(inputs[`past_key_values.${l}.${kind}`]).toEqual([
          'batch_size',
          a.numKeyValueHeads,
          'past_sequence_length',
          a.headDim,
        ]);
      }
    }
    expect(graph.input).toHaveLength(3 + 2 * a.numHiddenLayers);
    const outputs = graph.output.map((o) => o.name);
    expect(outputs[0]).toBe('logits');
    expect(outputs).toHaveLength(1 + 2 * a.numHiddenLayers);
    expect(outputs).toContain(`present.${a.numHiddenLayers - 1}.value`);
    const ops = new Set((graph.node as OnnxTypes.NodeProto[]).map((n) => n.opType));
    expect(ops.has('DequantizeLinear')).toBe(false);
    for (const op of ['Sin', 'Cos', 'Softmax', 'Sigmoid', 'Where', 'Range']) expect(ops.has(op)).toBe(true);
  });

  it('stores every initializer with a correctly sized raw_data', () => {
    for (const file of ['model.onnx', 'model_quantized.onnx']) {
      for (const tensor of graphOf(file).initializer as OnnxTypes.TensorProto[]) {
        const count = tensor.dims.reduce<number>((n, d) => n * Number(d), 1);
        const widths: Partial<Record<number, number>> = {
          [DataType.FLOAT]: 4,
          [DataType.INT64]: 8,
          [DataType.INT8]: 1,
          [DataType.UINT8]: 1,
        };
        const width = widths[tensor.dataType];
        expect(width, `${tensor.name} data type`).toBeDefined();
        expect(tensor.rawData.length, tensor.name ?? '').toBe(count * (width ?? 0));
      }
    }
  });

  it('q8 is the dynamic IntegerOps form: MatMulInteger on int8 weights, an int8 embedding Gather', () => {
    const graph = graphOf('model_quantized.onnx');
    const nodes = graph.node as OnnxTypes.NodeProto[];
    const int8 = (graph.initializer as OnnxTypes.TensorProto[]).filter(
      (t) => t.dataType === DataType.INT8 && t.dims.length === 2,
    );
    // 7 projections per layer, plus embedding and untied lm_head.
    expect(int8).toHaveLength(7 * findSpec('demo').architecture.numHiddenLayers + 2);
    const matmulB = new Set(nodes.filter((n) => n.opType === 'MatMulInteger').map((n) => n.input[1]));
    const gathered = new Set(nodes.filter((n) => n.opType === 'Gather').map((n) => n.input[0]));
    for (const t of int8) expect(matmulB.has(t.name) || gathered.has(t.name)).toBe(true);
    expect(nodes.filter((n) => n.opType === 'MatMul' && n.input.some((i) => i.endsWith('.weight')))).toEqual([]);
    expect(nodes.filter((n) => n.opType === 'DynamicQuantizeLinear')).toHaveLength(matmulB.size);
  });
});

describe('spec table', () => {
  it('has unique names and the expected default set', () => {
    expect(new Set(MODEL_SPECS.map((s) => s.name)).size).toBe(MODEL_SPECS.length);
    expect(MODEL_SPECS.filter((s) => s.generateByDefault).map((s) => s.name)).toEqual(['demo', 'eos-test']);
  });
});
