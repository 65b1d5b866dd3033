/**
 * End to end through transformers.js exactly as the app loads the models:
 * AutoTokenizer + AutoModelForCausalLM from a local folder, greedy generate().
 */
import { AutoModelForCausalLM, AutoTokenizer, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIntoTemp, readConfig, removeDir, useLocalModels } from './test-support';

let dir = '';
beforeAll(() => {
  dir = generateIntoTemp('transformers', ['demo', 'eos-test']);
  useLocalModels(dir);
});
afterAll(() => removeDir(dir));

const HELLO = [{ role: 'user', content: 'Hello' }];

async function greedy(name: string, dtype: 'fp32' | 'q8', maxNewTokens: number, messages = HELLO) {
  const tokenizer: PreTrainedTokenizer = await AutoTokenizer.from_pretrained(name);
  const inputs = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true }) as {
    input_ids: Tensor;
    attention_mask: Tensor;
  };
  const model = await AutoModelForCausalLM.from_pretrained(name, { dtype });
  try {
    const output = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false })) as Tensor;
    const all = (output.tolist() as Array<Array<number | bigint>>)[0]?.map(Number) ?? [];
    const promptLength = inputs.input_ids.dims[1] ?? 0;
    return { promptLength, newTokens: all.slice(promptLength), tokenizer };
  } finally {
    await model.dispose();
  }
}

describe('demo model', () => {
  it('generates varied text, never EOS, always to the token limit', async () => {
    const { newTokens, tokenizer } = await greedy('demo', 'fp32', 40);
    expect(newTokens).toHaveLength(40);
    expect(new Set(newTokens).size).toBeGreaterThan(10);
    for (const special of [0, 1, 2]) expect(newTokens).not.toContain(special);
    const text = tokenizer.decode(newTokens);
    expect(text).not.toContain('\uFFFD'); // junk bytes are suppressed, so output is valid UTF-8
    expect(text.length).toBeGreaterThan(40);
  }, 60_000);

  it('q8 loads and agrees with fp32 on the first greedy tokens', async () => {
    const fp32 = await greedy('demo', 'fp32', 10);
    const q8 = await greedy('demo', 'q8', 10);
    expect(q8.newTokens).toEqual(fp32.newTokens);
  }, 60_000);
});

describe('eos-test model', () => {
  it.each([
    ['Hello', HELLO],
    [
      'a longer chat',
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about typewriters.' },
      ],
    ],
    // A prompt longer than K: the very first new token is EOS.
    ['a prompt past K', [{ role: 'user', content: 'word '.repeat(60) }]],
  ])(
    'ends with EOS at the documented step (%s)',
    async (_label, messages) => {
      const K = readConfig(dir, 'eos-test').typewriter.eos.position ?? NaN;
      const { promptLength, newTokens, tokenizer } = await greedy('eos-test', 'fp32', 100, messages);
      // Rule from specs.ts: max(0, K + 1 - n) ordinary tokens, then <|im_end|>.
      const ordinary = Math.max(0, K + 1 - promptLength);
      expect(newTokens).toHaveLength(ordinary + 1);
      expect(newTokens.at(-1)).toBe(tokenizer.eos_token_id);
      expect(newTokens.slice(0, -1)).not.toContain(tokenizer.eos_token_id);
    },
    60_000,
  );

  it('the same holds for q8', async () => {
    const K = readConfig(dir, 'eos-test').typewriter.eos.position ?? NaN;
    const { promptLength, newTokens } = await greedy('eos-test', 'q8', 100);
    expect(newTokens).toHaveLength(Math.max(0, K + 1 - promptLength) + 1);
    expect(newTokens.at(-1)).toBe(2);
  }, 60_000);
});
