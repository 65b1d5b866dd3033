/**
 * Programmatic entry point (benchmark scripts, the mock Hub, tests). `cli.ts` is the
 * command-line wrapper; README.md in this folder documents the forms and the API.
 */
export { ALL_SPECS, BENCH_FORM_SPECS, DEFAULT_EOS_TEST_POSITION, MODEL_SPECS, REPLICA_SPECS, findSpec } from './specs';
export type { EosBehaviour, GraphForm, HubReplica, LlamaArchitecture, ModelSpec, WeightInit } from './specs';
export {
  GENERATOR_VERSION,
  MODEL_FILES,
  generateModel,
  modelFiles,
  onnxFileOf,
  precisionsOf,
  specHash,
} from './write-model';
export type { GenerateOptions, GenerateResult, GeneratedFile } from './write-model';
export { PRECISIONS, PRECISION_FILE_SUFFIX, computeType } from './quantize';
export type { Precision } from './quantize';
export { externalDataFileNames } from './onnx-writer';
export { CHATML_TEMPLATE } from './hf-files';
