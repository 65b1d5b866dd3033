import {
  adapterBufferLimit,
  checkExplicitDtype,
  chooseDtype,
  type DeviceCaps,
  type DtypeDecision,
} from '../common/dtype-policy';
import type { BackendPreference, Dtype, LoadResult, ModelSpec } from '../workers/protocol';

export interface CatalogModel {
  /** Stable key for pickers and saved settings. */
  key: string;
  name: string;
  /** Hub repo id, or null for the bundled model. */
  hubId: string | null;
  /** Weight bytes per dtype the repo ships under onnx/ (the .onnx file plus its external data), as the Hub lists them. */
  weights: Partial<Record<Dtype, number>>;
  /** config.json, generation_config.json, tokenizer.json and tokenizer_config.json together. */
  metadataBytes: number;
  note: string;
}

const MB = 1_000_000;

/**
 * File sets and sizes from the real repos (../shared/notes/real-hub-exports.md). A dtype that is
 * absent here is absent on the Hub: the picker never offers it. Qwen3's fp32/fp16/q4 sizes are not
 * listed in the notes and are estimated from its parameter count (596M, tied 151,936 × 1,024 embedding).
 */
export const CATALOG: readonly CatalogModel[] = [
  {
    key: 'demo',
    name: 'Bundled test model',
    hubId: null,
    weights: { fp32: 4 * MB },
    metadataBytes: 0,
    note: 'Test model — random weights. Ships with the app and works offline; its output is gibberish by design.',
  },
  {
    key: 'smollm2-135m',
    name: 'SmolLM2 135M Instruct',
    hubId: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    weights: { fp32: 654 * MB, fp16: 327 * MB, q4: 200 * MB, q4f16: 134 * MB },
    metadataBytes: 2.2 * MB,
    note: 'Smallest real chat model; fast on WASM.',
  },
  {
    key: 'smollm2-360m',
    name: 'SmolLM2 360M Instruct',
    hubId: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    weights: { fp32: 1640 * MB, fp16: 819 * MB, q4: 417 * MB, q4f16: 299 * MB },
    metadataBytes: 2.2 * MB,
    note: 'Better answers, about 3× slower than 135M.',
  },
  {
    key: 'qwen2.5-0.5b',
    name: 'Qwen2.5 0.5B Instruct',
    hubId: 'onnx-community/Qwen2.5-0.5B-Instruct',
    weights: {
      fp32: 1990 * MB,
      fp16: 997 * MB,
      bnb4: 764 * MB,
      int8: 512 * MB,
      uint8: 512 * MB,
      q8: 512 * MB,
      q4: 786 * MB,
      q4f16: 483 * MB,
    },
    metadataBytes: 7.1 * MB,
    note: 'Multilingual; WebGPU recommended.',
  },
  {
    key: 'qwen3-0.6b',
    name: 'Qwen3 0.6B',
    hubId: 'onnx-community/Qwen3-0.6B-ONNX',
    weights: { fp32: 2390 * MB, fp16: 1200 * MB, q4: 880 * MB, q4f16: 570 * MB, int8: 627 * MB, q8: 627 * MB },
    metadataBytes: 11.5 * MB,
    note: 'Reasoning model (thinks before answering); WebGPU recommended.',
  },
  {
    key: 'llama-3.2-1b',
    name: 'Llama 3.2 1B Instruct',
    hubId: 'onnx-community/Llama-3.2-1B-Instruct',
    weights: {
      fp32: 4940 * MB,
      fp16: 2470 * MB,
      q4: 1660 * MB,
      q4f16: 1070 * MB,
      int8: 1240 * MB,
      uint8: 1240 * MB,
      q8: 1240 * MB,
      bnb4: 1600 * MB,
    },
    metadataBytes: 9.1 * MB,
    note: 'Largest here; needs WebGPU and about 1 GB of storage.',
  },
];

/** The dtypes the repo ships. */
export function catalogDtypes(model: CatalogModel): Dtype[] {
  return Object.keys(model.weights) as Dtype[];
}

/** What "Load model" downloads for `dtype`: its weights plus the tokenizer and config files. */
export function downloadBytes(model: CatalogModel, dtype: Dtype): number | undefined {
  const weights = model.weights[dtype];
  return weights === undefined ? undefined : weights + model.metadataBytes;
}

/** The device as the dtype policy sees it: WebGPU (with or without shader-f16) once an adapter is known. */
export function deviceCaps(backend: BackendPreference, loaded: LoadResult | null): DeviceCaps {
  const adapter = loaded?.adapter ?? null;
  if (backend === 'wasm' || !adapter) return { backend: 'wasm', shaderF16: false };
  const maxBufferBytes = adapterBufferLimit(adapter);
  return { backend: 'webgpu', shaderF16: adapter.shaderF16, ...(maxBufferBytes ? { maxBufferBytes } : {}) };
}

/** What `auto` would load on this device, and why; the picker's default. */
export function autoDtype(model: CatalogModel, caps: DeviceCaps): DtypeDecision {
  return chooseDtype(catalogDtypes(model), caps, model.weights);
}

/** Why `dtype` cannot run here, before any download; null when it can. */
export function dtypeRefusal(model: CatalogModel, dtype: Dtype, caps: DeviceCaps): string | null {
  const decision = checkExplicitDtype(dtype, caps, model.weights[dtype]);
  return decision.ok ? null : decision.reason;
}

export const BUNDLED_MODEL_URL = '/models/demo/';

export function findCatalogModel(key: string): CatalogModel | undefined {
  return CATALOG.find((m) => m.key === key);
}

export interface SpecChoice {
  backend: BackendPreference;
  hubHost: string;
}

/**
 * The engine spec for a catalog entry. `auto` lets the engine decide with the repo's real file list
 * (the same policy the picker ran on the catalog sizes); `expectedBytes` is for the quota check.
 */
export function catalogSpec(
  model: CatalogModel,
  dtype: Dtype | 'auto',
  choice: SpecChoice,
  expectedDtype: Dtype | null = dtype === 'auto' ? null : dtype,
): ModelSpec {
  const expectedBytes = expectedDtype ? downloadBytes(model, expectedDtype) : undefined;
  if (!model.hubId) {
    return { source: { kind: 'url', url: BUNDLED_MODEL_URL }, dtype: 'fp32', backend: choice.backend };
  }
  return {
    source: { kind: 'hub', id: model.hubId, host: choice.hubHost },
    dtype,
    dtypes: catalogDtypes(model),
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
  if (s.kind === 'remote') return `${s.model} on ${new URL(s.baseUrl, 'http://invalid').host}`;
  return s.kind === 'hub' ? s.id : s.kind === 'url' ? s.url : s.name;
}
