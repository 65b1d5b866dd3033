/**
 * Programmatic entry point (e.g. for benchmark scripts). `cli.ts` is the command-line wrapper.
 */
export { MODEL_SPECS, DEFAULT_EOS_TEST_POSITION, findSpec } from './specs.ts';
export type { EosBehaviour, LlamaArchitecture, ModelSpec } from './specs.ts';
export { GENERATOR_VERSION, MODEL_FILES, generateModel, specHash } from './write-model.ts';
export type { GenerateOptions, GenerateResult, GeneratedFile } from './write-model.ts';
export { CHATML_TEMPLATE } from './hf-files.ts';
