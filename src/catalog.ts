import type { BackendPreference, Dtype, ModelSpec } from '../workers/protocol';

export interface CatalogModel {
  /** Stable key for pickers and saved settings. */
  key: string;
  name: string;
  /** Hub repo id, or null for the bundled model. */
  hubId: string | null;
  /** The dtypes the repo ships under onnx/, best first for the browser. */
  dtypes: readonly Dtype[];
  /** Approximate download per dtype in bytes (what "Load model" shows before anything is fetched). */
  sizes: Partial<Record<Dtype, number>>;
  note: string;
}

const MB = 1_000_000;

/** Sizes are approximate (onnx/ weights plus tokenizer files); the engine checks them against the storage quota. */
export const CATALOG: readonly CatalogModel[] = [
  {
    key: 'demo',
    name: 'Bundled test model',
    hubId: null,
    dtypes: ['fp32'],
    sizes: { fp32: 4 * MB },
    note: 'Test model — random weights. Ships with the app and works offline; its output is gibberish by design.',
  },
  {
    key: 'smollm2-135m',
    name: 'SmolLM2 135M Instruct',
    hubId: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    dtypes: ['q4f16', 'fp16', 'q4', 'q8', 'fp32'],
    sizes: { q4f16: 134 * MB, fp16: 270 * MB, q4: 170 * MB, q8: 138 * MB, fp32: 540 * MB },
    note: 'Smallest real chat model; fast on WASM.',
  },
  {
    key: 'smollm2-360m',
    name: 'SmolLM2 360M Instruct',
    hubId: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    dtypes: ['q4f16', 'fp16', 'q4', 'q8', 'fp32'],
    sizes: { q4f16: 300 * MB, fp16: 725 * MB, q4: 370 * MB, q8: 370 * MB, fp32: 1450 * MB },
    note: 'Better answers, about 3× slower than 135M.',
  },
  {
    key: 'qwen2.5-0.5b',
    name: 'Qwen2.5 0.5B Instruct',
    hubId: 'onnx-community/Qwen2.5-0.5B-Instruct',
    dtypes: ['q4f16', 'fp16', 'q4', 'q8', 'fp32'],
    sizes: { q4f16: 483 * MB, fp16: 990 * MB, q4: 790 * MB, q8: 500 * MB, fp32: 1980 * MB },
    note: 'Multilingual; WebGPU recommended.',
  },
  {
    key: 'qwen3-0.6b',
    name: 'Qwen3 0.6B',
    hubId: 'onnx-community/Qwen3-0.6B-ONNX',
    dtypes: ['q4f16', 'fp16', 'q4', 'q8', 'fp32'],
    sizes: { q4f16: 570 * MB, fp16: 1200 * MB, q4: 920 * MB, q8: 600 * MB, fp32: 2400 * MB },
    note: 'Reasoning model (thinks before answering); WebGPU recommended.',
  },
  {
    key: 'llama-3.2-1b',
    name: 'Llama 3.2 1B Instruct',
    hubId: 'onnx-community/Llama-3.2-1B-Instruct',
    dtypes: ['q4f16', 'fp16', 'q4', 'q8', 'fp32'],
    sizes: { q4f16: 1070 * MB, fp16: 2470 * MB, q4: 1550 * MB, q8: 1240 * MB, fp32: 4940 * MB },
    note: 'Largest here; needs WebGPU and about 1 GB of storage.',
  },
];

export const BUNDLED_MODEL_URL = '/models/demo/';

export function findCatalogModel(key: string): CatalogModel | undefined {
  return CATALOG.find((m) => m.key === key);
}

export interface SpecChoice {
  backend: BackendPreference;
  hubHost: string;
}

/** The engine spec for a catalog entry; `dtypes`/`expectedBytes` let the engine skip probing and check quota first. */
export function catalogSpec(model: CatalogModel, dtype: Dtype, choice: SpecChoice): ModelSpec {
  const expectedBytes = model.sizes[dtype];
  if (!model.hubId) {
    return { source: { kind: 'url', url: BUNDLED_MODEL_URL }, dtype: 'fp32', backend: choice.backend };
  }
  return {
    source: { kind: 'hub', id: model.hubId, host: choice.hubHost },
    dtype,
    dtypes: model.dtypes,
    backend: choice.backend,
    ...(expectedBytes ? { expectedBytes } : {}),
  };
}

/** Any Hub repo id typed by the user: size unknown until the engine reads the repo's file list. */
export function customHubSpec(id: string, choice: SpecChoice): ModelSpec {
  return { source: { kind: 'hub', id: id.trim(), host: choice.hubHost }, dtype: 'auto', backend: choice.backend };
}

export function bundledSpec(backend: BackendPreference = 'auto'): ModelSpec {
  return { source: { kind: 'url', url: BUNDLED_MODEL_URL }, dtype: 'fp32', backend };
}

/** A short name for a model source, for the load panel and messages when no catalog label is given. */
export function specLabel(spec: ModelSpec): string {
  const s = spec.source;
  return s.kind === 'hub' ? s.id : s.kind === 'url' ? s.url : s.name;
}
