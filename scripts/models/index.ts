/**
 * Programmatic entry point (e.g. for benchmark scripts). `cli.ts` is the command-line wrapper.
 */
export { MODEL_SPECS, DEFAULT_EOS_TEST_POSITION, findSpec } from './specs';
export type { EosBehaviour, LlamaArchitecture, ModelSpec, WeightInit } from './specs';
export { GENERATOR_VERSION, MODEL_FILES, generateModel, specHash } from './write-model';
export type { GenerateOptions, GenerateResult, GeneratedFile } from './write-model';
export { CHATML_TEMPLATE } from './hf-files';
