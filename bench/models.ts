import { existsSync, statSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { findSpec, generateModel } from '../scripts/models/index';
import type { Dtype, ModelSpec } from '../workers/protocol';

export const MODELS_DIR = 'bench/models';

export interface BenchModel {
  /** e.g. `demo fp32`, `smollm2-135m q8`. */
  label: string;
  name: string;
  dtype: Extract<Dtype, 'fp32' | 'q8'>;
  url: string;
  /** The ONNX file's size: its initializers are read once per decoded token. */
  weightBytes: number;
  /** Replicas are too slow on SwiftShader (minutes per token); only the demo runs there. */
  webgpu: boolean;
}

const ONNX_FILE = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' } as const;

function model(name: string, dtype: BenchModel['dtype'], url: string, folder: string): BenchModel {
  const file = join(folder, ONNX_FILE[dtype]);
  if (!existsSync(file)) throw new Error(`${file} is missing. Run \`npm run models\` (demo) or the bench again.`);
  return { label: `${name} ${dtype}`, name, dtype, url, weightBytes: statSync(file).size, webgpu: name === 'demo' };
}

/** Generates a replica into bench/models unless an up-to-date copy is there (the generator checks its hash). */
export function ensureReplica(name: string, log: (line: string) => void): void {
  const result = generateModel(findSpec(name), MODELS_DIR);
  log(`${name}: ${result.skipped ? 'up to date' : `generated in ${result.seconds.toFixed(1)} s`}`);
}

/**
 * The models of one bench run. SmolLM2-360M fp32 is 1.45 GB on disk and ~4x that in the
 * renderer (several weight copies during session creation), past wasm32's 4 GB: it only
 * runs in q8, and only when the machine has the memory.
 */
export function benchModels(quick: boolean, appDir: string, log: (line: string) => void): BenchModel[] {
  const demo = model('demo', 'fp32', '/models/demo/', join(appDir, 'models/demo'));
  const replicas: [string, BenchModel['dtype']][] = quick
    ? [['smollm2-135m', 'fp32']]
    : [
        ['smollm2-135m', 'fp32'],
        ['smollm2-135m', 'q8'],
        ...(totalmem() >= 12 * 2 ** 30 && freemem() >= 6 * 2 ** 30 ? [['smollm2-360m', 'q8'] as [string, 'q8']] : []),
      ];
  const models = [demo];
  for (const [name, dtype] of replicas) {
    ensureReplica(name, log);
    models.push(model(name, dtype, `/bench-models/${name}/`, join(MODELS_DIR, name)));
  }
  return models;
}

export function specFor(m: BenchModel, backend: 'wasm' | 'webgpu', threads?: number): ModelSpec {
  return { source: { kind: 'url', url: m.url }, dtype: m.dtype, backend, ...(threads ? { threads } : {}) };
}

/**
 * Models for the mask-cost measure: the Qwen3-shaped tiny replica (the real 151936-token Qwen3
 * vocabulary; its forward pass is tiny, so the mask's share is at its largest) and, in a full run,
 * SmolLM2-135M (its own 49152-token tokenizer: the project has no 135M-shaped replica with a 150k vocabulary).
 */
export function grammarModels(
  quick: boolean,
  log: (line: string) => void,
): { name: string; url: string; dtype: 'fp32' | 'q4' }[] {
  ensureReplica('qwen3-0.6b-tiny', log);
  const out: { name: string; url: string; dtype: 'fp32' | 'q4' }[] = [
    { name: 'qwen3-0.6b-tiny', url: '/bench-models/qwen3-0.6b-tiny/', dtype: 'fp32' },
  ];
  if (!quick) {
    ensureReplica('smollm2-135m', log);
    out.push({ name: 'smollm2-135m', url: '/bench-models/smollm2-135m/', dtype: 'fp32' });
  }
  return out;
}
