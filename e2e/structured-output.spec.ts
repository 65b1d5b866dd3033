import Ajv from 'ajv';
import { expect, test, type Page } from '@playwright/test';
import type { GenerateRequest, LoadResult } from '../workers/protocol';
import { forwardPasses, generateError, load, openHarness, run } from './support/engine-harness';
import { hubSpec } from './support/pwa-helpers';

/**
 * User story: a developer asks for JSON that matches a schema (or forces a tool call) and gets
 * it every time, because the worker's sampler masks each token the grammar (web-xgrammar)
 * cannot accept. The model is the Qwen3 replica: random weights, so without the mask its output
 * is gibberish, and the real 151k-token Qwen3 tokenizer, so the mask covers a real vocabulary.
 * Sampled at temperature 1, seeds 1..20 per schema; ajv (the standard validator) checks each.
 */

const QWEN3 = 'onnx-community/Qwen3-0.6B-ONNX';
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const MAX_TOKENS = 96;

/** Bounded schemas (string lengths, ranges, item counts), so every answer fits MAX_TOKENS. */
const SCHEMAS: Record<string, Record<string, unknown>> = {
  'nested objects': {
    type: 'object',
    properties: {
      user: {
        type: 'object',
        properties: {
          name: { type: 'string', maxLength: 8 },
          address: {
            type: 'object',
            properties: {
              city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] },
              zip: { type: 'integer', minimum: 10000, maximum: 99999 },
            },
            required: ['city', 'zip'],
            additionalProperties: false,
          },
        },
        required: ['name', 'address'],
        additionalProperties: false,
      },
    },
    required: ['user'],
    additionalProperties: false,
  },
  arrays: {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string', enum: ['red', 'green', 'blue'] }, minItems: 1, maxItems: 4 },
      scores: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 100 }, maxItems: 3 },
    },
    required: ['tags', 'scores'],
    additionalProperties: false,
  },
  enums: {
    type: 'object',
    properties: {
      status: { enum: ['active', 'inactive', 'banned'] },
      level: { enum: [1, 2, 3] },
      flag: { type: 'boolean' },
    },
    required: ['status', 'level', 'flag'],
    additionalProperties: false,
  },
  numbers: {
    type: 'object',
    properties: {
      // Bounds on "number" are refused (web-xgrammar gets float ranges wrong); integers have exact ranges.
      price: { type: 'number' },
      qty: { type: 'integer', minimum: 1, maximum: 50 },
      delta: { type: 'integer', minimum: -20, maximum: 20 },
      big: { type: 'integer', minimum: 1000, maximum: 250000 },
    },
    required: ['price', 'qty', 'delta', 'big'],
    additionalProperties: false,
  },
  'required fields': {
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: 0, maximum: 999 },
      email: { type: 'string', maxLength: 12 },
      nickname: { type: 'string', maxLength: 6 },
      age: { type: 'integer', minimum: 0, maximum: 130 },
    },
    required: ['id', 'email'],
    additionalProperties: false,
  },
};

const ask = (extra: Partial<GenerateRequest>): GenerateRequest => ({
  messages: [{ role: 'user', content: 'Give me the record as JSON.' }],
  maxTokens: MAX_TOKENS,
  temperature: 1,
  ...extra,
});

interface Sampled {
  seed: number;
  text: string;
  reason: string | null;
  error: string | null;
  drafted: number;
  tokens: number;
  elapsedMs: number;
  ttftMs: number;
  grammarMs: number;
}

/** All seeds in one page round trip. */
function sampleSeeds(page: Page, base: GenerateRequest, seeds: number[]): Promise<Sampled[]> {
  return page.evaluate(
    async ({ base, seeds }) => {
      const out: Sampled[] = [];
      for (const seed of seeds) {
        const stream = await window.__typewriter.engine.generate({ ...base, seed });
        const sampled: Sampled = {
          seed,
          text: '',
          reason: null,
          error: null,
          drafted: 0,
          tokens: 0,
          elapsedMs: 0,
          ttftMs: 0,
          grammarMs: 0,
        };
        const reader = stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (value.type === 'done') {
            sampled.text = value.text;
            sampled.reason = value.reason;
            sampled.drafted = value.stats.draftedTokens ?? 0;
            sampled.tokens = value.stats.tokens;
            sampled.elapsedMs = value.stats.elapsedMs;
            sampled.ttftMs = value.stats.ttftMs ?? 0;
            sampled.grammarMs = value.stats.grammarMs ?? 0;
          } else if (value.type === 'error') sampled.error = `${value.name}: ${value.message}`;
        }
        out.push(sampled);
      }
      return out;
    },
    { base, seeds },
  );
}

const ajv = new Ajv({ allErrors: true });

function parsesAndValidates(samples: Sampled[], schema: Record<string, unknown>) {
  const validate = ajv.compile(schema);
  const failures = samples.flatMap((s) => {
    if (s.error || s.reason !== 'eos') return [`seed ${s.seed}: ${s.error ?? `finished with ${s.reason}`}: ${s.text}`];
    let value: unknown;
    try {
      value = JSON.parse(s.text);
    } catch {
      return [`seed ${s.seed}: not JSON: ${s.text}`];
    }
    return validate(value) ? [] : [`seed ${s.seed}: ${ajv.errorsText(validate.errors)}: ${s.text}`];
  });
  return failures;
}

test.describe.configure({ mode: 'serial' });

// One page and one load for the file: loading the model and building the grammar's tokenizer info (151936 tokens) is
// the slow part, and the cases are independent requests to the same engine.
let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await openHarness(page);
  const info: LoadResult = await load(page, { ...hubSpec(QWEN3), dtype: 'q4', backend: 'wasm' });
  expect(info.vocabSize).toBe(151936);
  expect(info.randomWeights).toBe(true);
});
test.afterAll(async () => {
  await page.close();
});

test('20 sampled generations per schema, for 5 schemas, all parse and validate', async () => {
  // About 2.5 min on an idle 2-core machine; the margin is for a shared one.
  test.setTimeout(360_000);
  const report: string[] = [];
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const samples = await sampleSeeds(
      page,
      ask({ responseFormat: { type: 'json_schema', schema, strict: true } }),
      SEEDS,
    );
    expect(samples).toHaveLength(20);
    expect(parsesAndValidates(samples, schema), name).toEqual([]);
    // Different seeds give different answers: the model samples, the grammar only constrains.
    expect(new Set(samples.map((s) => s.text)).size, name).toBeGreaterThan(1);
    const ms = (f: (s: Sampled) => number) => samples.reduce((a, s) => a + f(s), 0);
    report.push(
      `${name}: 20/20, ${ms((s) => s.tokens)} tokens, ${ms((s) => s.elapsedMs).toFixed(0)} ms (ttft ${ms((s) => s.ttftMs).toFixed(0)}, grammar ${ms((s) => s.grammarMs).toFixed(0)}), e.g. ${samples[0]?.text}`,
    );
  }
  test.info().annotations.push({ type: 'samples', description: report.join('\n') });
  console.log(report.join('\n'));
});

test('json_object mode: every sampled answer is a JSON object that closes within the budget', async () => {
  const samples = await sampleSeeds(
    page,
    ask({ maxTokens: 32, responseFormat: { type: 'json_object' } }),
    SEEDS.slice(0, 10),
  );
  expect(parsesAndValidates(samples, { type: 'object' })).toEqual([]);
});

test('a bad schema is InvalidSchema naming the keyword, before any forward pass', async () => {
  const before = await forwardPasses(page);
  const bounded = await generateError(
    page,
    ask({ responseFormat: { type: 'json_schema', schema: { type: 'number', maximum: 1 } } }),
  );
  expect(bounded).toMatchObject({ name: 'InvalidSchema', message: expect.stringContaining('#/maximum') });
  const ours = await generateError(
    page,
    ask({ responseFormat: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'strnig' } } } } }),
  );
  expect(ours.name).toBe('InvalidSchema');
  expect(ours.message).toContain('#/properties/a/type');
  // One that passes our check but not XGrammar's: its own reason comes back.
  const theirs = await generateError(
    page,
    ask({ responseFormat: { type: 'json_schema', schema: { $ref: '#/$defs/missing' } } }),
  );
  expect(theirs.name).toBe('InvalidSchema');
  expect(theirs.message).toMatch(/cannot be compiled: .*missing/i);
  expect(await forwardPasses(page)).toBe(before);
  // The engine is fine afterwards.
  const after = await sampleSeeds(
    page,
    ask({ responseFormat: { type: 'json_schema', schema: { type: 'boolean' } } }),
    [1],
  );
  expect(parsesAndValidates(after, { type: 'boolean' })).toEqual([]);
});

test('greedy with speculation on: the grammar turns prompt-lookup drafting off and still holds', async () => {
  const schema = SCHEMAS.enums as Record<string, unknown>;
  const samples = await sampleSeeds(
    page,
    ask({ temperature: 0, speculative: 'on', responseFormat: { type: 'json_schema', schema } }),
    [1],
  );
  expect(parsesAndValidates(samples, schema)).toEqual([]);
  expect(samples[0]?.drafted).toBe(0);
});

test('tool_choice required / named: the Qwen3 tool-call form, arguments valid for the function', async () => {
  const weather = {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { enum: ['Paris', 'Oslo'] }, unit: { enum: ['c', 'f'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  };
  const time = {
    name: 'get_time',
    parameters: {
      type: 'object',
      properties: { zone: { type: 'string', maxLength: 6 } },
      required: ['zone'],
      additionalProperties: false,
    },
  };
  const tools = [weather, time];
  // The tools go through the chat template: the prompt grows by their JSON.
  const plain = await run(page, ask({ maxTokens: 1, temperature: 0 }));
  const withTools = await run(page, ask({ maxTokens: 1, temperature: 0, tools }));
  expect(withTools.start?.promptTokens ?? 0).toBeGreaterThan((plain.start?.promptTokens ?? 0) + 40);

  const check = (samples: Sampled[], allowed: string[]) => {
    for (const s of samples) {
      expect(s.error).toBeNull();
      expect(s.reason).toBe('eos');
      const match = /^<tool_call>\n(\{.*\})\n<\/tool_call>$/s.exec(s.text);
      expect(match, s.text).not.toBeNull();
      const call = JSON.parse(match?.[1] ?? '') as { name: string; arguments: unknown };
      expect(allowed).toContain(call.name);
      const fn = tools.find((t) => t.name === call.name);
      const validate = ajv.compile(fn?.parameters ?? {});
      expect(validate(call.arguments), `${ajv.errorsText(validate.errors)}: ${s.text}`).toBe(true);
    }
  };
  check(await sampleSeeds(page, ask({ tools, toolChoice: 'required' }), SEEDS.slice(0, 5)), [
    'get_weather',
    'get_time',
  ]);
  check(await sampleSeeds(page, ask({ tools, toolChoice: { name: 'get_time' } }), SEEDS.slice(0, 3)), ['get_time']);
  // A tool turn and the assistant's call render through the template too, and the model answers.
  const followUp = await run(page, {
    messages: [
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Oslo", "unit": "c"}' }],
      },
      { role: 'tool', content: '{"temp": 3}', toolCallId: 'call_1' },
    ],
    tools,
    maxTokens: 4,
    temperature: 0,
  });
  expect(followUp.error).toBeNull();
  expect(followUp.ids.length).toBeGreaterThan(0);
});
