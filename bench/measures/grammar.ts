import type { Browser } from '@playwright/test';
import type { GenerateRequest } from '../../workers/protocol';
import { newContext } from '../browser';
import { loadModel, openHarness, runOurs, unloadModel } from '../harness';
import type { BenchServer } from '../server';
import { median, round } from '../stats';

/**
 * The per-token cost of constrained decoding (issue 13): the same model, prompt, seed and
 * sampling, decoded free and under a JSON schema, interleaved run by run so drift hits both.
 * Per-token time is the decode time over the decoded tokens (prefill excluded).
 */
export interface GrammarMeasure {
  model: string;
  vocab: number;
  runs: number;
  tokens: number;
  freeMsPerToken: { median: number; min: number; max: number };
  maskedMsPerToken: { median: number; min: number; max: number };
  /** median(masked) / median(free) − 1. */
  overhead: number;
  /** Per-run (masked − free) of the paired runs, ms per token. */
  addedMsPerToken: { median: number; min: number; max: number };
  /** The engine's own count: time inside mask computation and application, per masked token. */
  maskMsPerToken: { median: number; min: number; max: number };
  /** median(mask ms/token) / median(free ms/token). */
  maskShare: number;
}

/** A string field keeps most tokens inside a string (the mask is mostly "all allowed"); the rest is structure. */
const SCHEMA = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    year: { type: 'integer', minimum: 1900, maximum: 2100 },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] } },
    notes: { type: 'string' },
  },
  required: ['title', 'year', 'tags', 'notes'],
  additionalProperties: false,
};

const spread = (values: number[]) => ({
  median: round(median(values), 3),
  min: round(Math.min(...values), 3),
  max: round(Math.max(...values), 3),
});

export async function runGrammar(
  browser: Browser,
  server: BenchServer,
  model: { name: string; url: string; dtype: 'fp32' | 'q4' },
  options: { runs: number; tokens: number },
  log: (line: string) => void,
): Promise<GrammarMeasure> {
  const context = await newContext(browser, server.origin);
  try {
    const page = await openHarness(context);
    const { result } = await loadModel(page, {
      source: { kind: 'url', url: model.url },
      dtype: model.dtype,
      backend: 'wasm',
      threads: 1,
    });
    const base: GenerateRequest = {
      messages: [{ role: 'user', content: 'Describe a film as JSON.' }],
      maxTokens: options.tokens,
      temperature: 1,
      seed: 7,
      keepCacheMs: 0,
    };
    const masked: GenerateRequest = { ...base, responseFormat: { type: 'json_schema', schema: SCHEMA } };
    // Warm-up: the first constrained request builds the tokenizer info and compiles the schema.
    await runOurs(page, masked);
    await runOurs(page, base);
    const free: number[] = [];
    const constrained: number[] = [];
    const maskMs: number[] = [];
    const perToken = (r: Awaited<ReturnType<typeof runOurs>>) => 1000 / (r.stats.averageDecodeTokPerS ?? NaN);
    for (let i = 0; i < options.runs; i++) {
      const seed = 100 + i;
      // Alternate which goes first, so neither always runs on a warmer cache.
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const isMasked of order) {
        const run = await runOurs(page, { ...(isMasked ? masked : base), seed });
        (isMasked ? constrained : free).push(perToken(run));
        if (isMasked) maskMs.push((run.stats.grammarMs ?? NaN) / run.tokens);
      }
      log(
        `grammar ${model.name}: run ${i + 1}/${options.runs}: free ${free.at(-1)?.toFixed(2)} ms/token, masked ${constrained.at(-1)?.toFixed(2)} ms/token`,
      );
    }
    await unloadModel(page);
    const added = free.map((f, i) => (constrained[i] as number) - f);
    return {
      model: `${model.name} ${model.dtype}`,
      vocab: result.vocabSize,
      runs: options.runs,
      tokens: options.tokens,
      freeMsPerToken: spread(free),
      maskedMsPerToken: spread(constrained),
      overhead: round(median(constrained) / median(free) - 1, 3),
      addedMsPerToken: spread(added),
      maskMsPerToken: spread(maskMs),
      maskShare: round(median(maskMs) / median(free), 3),
    };
  } finally {
    await context.close();
  }
}

export function renderGrammar(measures: readonly GrammarMeasure[]): string[] {
  if (measures.length === 0) return [];
  const lines = [
    '',
    '## Constrained decoding (JSON schema) vs free decoding, same model, interleaved',
    '',
    '| model | vocab | runs × tokens | free ms/token (min–max) | masked ms/token (min–max) | added ms/token (min–max) | end-to-end overhead | mask ms/token (min–max) | mask / free token |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const m of measures) {
    const f = m.freeMsPerToken;
    const k = m.maskedMsPerToken;
    const a = m.addedMsPerToken;
    lines.push(
      `| ${m.model} | ${m.vocab} | ${m.runs} × ${m.tokens} | ${f.median} (${f.min}–${f.max}) | ${k.median} (${k.min}–${k.max}) | ${a.median} (${a.min}–${a.max}) | ${(m.overhead * 100).toFixed(1)}% | ${m.maskMsPerToken.median} (${m.maskMsPerToken.min}–${m.maskMsPerToken.max}) | **${(m.maskShare * 100).toFixed(1)}%** |`,
    );
  }
  return lines;
}
