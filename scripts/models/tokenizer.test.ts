/**
 * The generated tokenizer files as transformers.js loads them.
 */
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from './prng';
import { generateIntoTemp, readConfig, removeDir, useLocalModels } from './test-support';

let dir = '';
let tokenizer: PreTrainedTokenizer;

beforeAll(async () => {
  dir = generateIntoTemp('tokenizer', ['demo']);
  useLocalModels(dir);
  tokenizer = await AutoTokenizer.from_pretrained('demo');
});
afterAll(() => removeDir(dir));

function roundTrip(text: string): string {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  return tokenizer.decode(ids, { skip_special_tokens: false });
}

/** Random text over several scripts, built from code points (so never lone surrogates). */
function randomText(seed: number, length: number): string {
  const rng = mulberry32(seed);
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e], // ASCII
    [0x09, 0x0d], // tab / newlines
    [0xa0, 0x17f], // Latin-1 + Latin Extended-A
    [0x391, 0x3c9], // Greek
    [0x410, 0x44f], // Cyrillic
    [0x4e00, 0x9fff], // CJK
    [0x3040, 0x30ff], // Kana
    [0xac00, 0xd7a3], // Hangul
    [0x1f300, 0x1faff], // emoji
  ];
  let out = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[rng() % ranges.length] as [number, number];
    out += String.fromCodePoint(lo + (rng() % (hi - lo + 1)));
  }
  return out;
}

describe('tokenizer.json / tokenizer_config.json under transformers.js', () => {
  it.each([
    'Hello, world!',
    'The quick brown fox jumps over the lazy dog. It said: "don\'t stop" , ok ?',
    '日本語のテキストと中文文本',
    'Emoji: 👩‍💻🎉🇯🇵 and skin tones 👍🏽!',
    '  leading spaces, trailing spaces  \n\ttabs\r\nand CRLF\n\n\n',
    '```ts\nconst x = 1;\n```\n| a | b |\n',
    'mixed <|im_end|> special inside text',
  ])('round-trips %j', (text) => {
    expect(roundTrip(text)).toBe(text);
  });

  it('round-trips random UTF-8 across scripts', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const text = randomText(seed, 80);
      expect(roundTrip(text)).toBe(text);
    }
  });

  it('uses merges: common English needs far fewer tokens than bytes', () => {
    const text = 'The typewriter sat on the kitchen table, and she would write every morning.';
    expect(tokenizer.encode(text).length).toBeLessThan(text.length / 2.5);
  });

  it('exposes the special tokens and ids the model config uses', () => {
    const config = readConfig(dir, 'demo');
    expect(tokenizer.eos_token).toBe('<|im_end|>');
    expect(tokenizer.eos_token_id).toBe(config.eos_token_id);
    expect(tokenizer.pad_token_id).toBe(0);
    expect(tokenizer.encode('<|im_start|>user<|im_end|>', { add_special_tokens: false })).toEqual([
      1,
      ...tokenizer.encode('user', { add_special_tokens: false }),
      2,
    ]);
    expect(tokenizer.decode([1, 2, 0], { skip_special_tokens: true })).toBe('');
  });

  it('renders ChatML from the chat_template in tokenizer_config.json', () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'Bye' },
    ];
    const withPrompt = tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
    expect(withPrompt).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n' +
        '<|im_start|>user\nHello<|im_end|>\n' +
        '<|im_start|>assistant\nHi!<|im_end|>\n' +
        '<|im_start|>user\nBye<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
    const without = tokenizer.apply_chat_template([{ role: 'user', content: 'Hello' }], { tokenize: false });
    expect(without).toBe('<|im_start|>user\nHello<|im_end|>\n');
    const ids = tokenizer.apply_chat_template([{ role: 'user', content: 'Hello' }], {
      add_generation_prompt: true,
      return_tensor: false,
      return_dict: false,
    });
    expect(ids).toEqual(tokenizer.encode('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n'));
  });
});
