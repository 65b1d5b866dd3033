/**
 * Writes one model folder in the Hugging Face Hub ONNX layout:
 *
 *   <out>/<name>/config.json, generation_config.json, tokenizer.json,
 *   tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { padVocabulary, toTokenizerJson, trainBpe, SPECIAL_TOKENS, type TrainedBpe } from './bpe-tokenizer';
import { TRAINING_CORPUS } from './corpus';
import { generationConfig, modelConfig, tokenIds, tokenizerConfig } from './hf-files';
import { buildLlamaGraph } from './llama-graph';
import { writeOnnxModel } from './onnx-writer';
import type { Precision } from './quantize';
import type { ModelSpec } from './specs';
import { SPECIAL_BIAS, logitsBias, weightSource } from './weights';

/** Bump whenever the generator's output changes for an unchanged spec, so stale folders regenerate. */
export const GENERATOR_VERSION = 1;

export const MODEL_FILES = [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
] as const;

const ONNX_FILES: Readonly<Record<Precision, string>> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
};

export interface GeneratedFile {
  readonly path: (typeof MODEL_FILES)[number];
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

function isUpToDate(dir: string, hash: string): boolean {
  if (!MODEL_FILES.every((file) => existsSync(join(dir, file)))) return false;
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      typewriter?: { specHash?: unknown };
    };
    return config.typewriter?.specHash === hash;
  } catch {
    return false;
  }
}

function fileSizes(dir: string): GeneratedFile[] {
  return MODEL_FILES.map((path) => ({ path, bytes: statSync(join(dir, path)).size }));
}

const writeJson = (path: string, value: unknown): void => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

/**
 * Generates `spec` into `<outDir>/<spec.name>`. Deterministic: the same spec always
 * yields byte-identical files. The folder is assembled under a temporary name and
 * renamed at the end, so an interrupted run never leaves a folder that looks complete.
 */
export function generateModel(spec: ModelSpec, outDir: string, options: GenerateOptions = {}): GenerateResult {
  const started = performance.now();
  const dir = join(outDir, spec.name);
  const hash = specHash(spec);
  if (!options.force && isUpToDate(dir, hash)) {
    return {
      name: spec.name,
      dir,
      skipped: true,
      files: fileSizes(dir),
      seconds: (performance.now() - started) / 1000,
    };
  }
  // Raw tensor bytes are written straight from typed arrays, which are little-endian only here.
  if (endianness() !== 'LE') throw new Error('model generation requires a little-endian host');

  const trained = trainedTokenizer(spec.tokenizerVocabSize);
  const vocabSize = spec.modelVocabSize ?? trained.vocab.size;
  if (vocabSize < trained.vocab.size) throw new Error(`${spec.name}: modelVocabSize is smaller than the tokenizer`);
  const bpe = vocabSize > trained.vocab.size ? padVocabulary(trained, vocabSize, spec.seed) : trained;
  const ids = tokenIds(bpe);

  const staging = join(outDir, `.${spec.name}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'onnx'), { recursive: true });
  try {
    writeJson(
      join(staging, 'config.json'),
      modelConfig(spec, ids, {
        vocabSize,
        tokenizerTokens: trained.vocab.size,
        specHash: hash,
        generatorVersion: GENERATOR_VERSION,
      }),
    );
    writeJson(join(staging, 'generation_config.json'), generationConfig(spec, ids));
    writeJson(join(staging, 'tokenizer.json'), toTokenizerJson(bpe));
    writeJson(join(staging, 'tokenizer_config.json'), tokenizerConfig(spec, bpe));

    const specialIds = SPECIAL_TOKENS.map((token) => bpe.specialIds[token]);
    const tokensById: (string | undefined)[] = [];
    for (const [token, id] of bpe.vocab) tokensById[id] = token;
    for (const precision of ['fp32', 'q8'] as const) {
      const graph = buildLlamaGraph({
        architecture: spec.architecture,
        vocabSize,
        precision,
        weights: weightSource(spec),
        logitsBias: () => logitsBias(vocabSize, { specialIds, tokens: tokensById, wordBonus: spec.wordBonus }),
        positionalBias:
          spec.eos.kind === 'at-position'
            ? { tokenId: ids.eos, fromPosition: spec.eos.position, amount: 2 * SPECIAL_BIAS }
            : undefined,
      });
      writeOnnxModel(join(staging, ONNX_FILES[precision]), graph, {
        producerName: 'typewriter-models',
        producerVersion: String(GENERATOR_VERSION),
        docString:
          `Random-weight Llama test model "${spec.name}" (seed ${spec.seed}). ${spec.purpose} ` +
          'MatMul weights are stored [in_features, out_features].',
      });
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { name: spec.name, dir, skipped: false, files: fileSizes(dir), seconds: (performance.now() - started) / 1000 };
}
