import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol';
import { tokenizeChat, type PromptTokenizer } from './prompt-ids';

/**
 * A character-level tokenizer with ChatML specials, and a template that can trim turns: enough
 * to check where the kept ids go. Special tokens are 1000+, characters their code points.
 */
const SPECIALS = ['<|im_start|>', '<|im_end|>'];
function fakeTokenizer(trim = false): PromptTokenizer & { renders: number } {
  const tk = {
    renders: 0,
    apply_chat_template(messages: { role: string; content: string }[]) {
      tk.renders++;
      return (
        messages.map((m) => `<|im_start|>${m.role}\n${trim ? m.content.trim() : m.content}<|im_end|>\n`).join('') +
        '<|im_start|>assistant\n'
      );
    },
    encode(text: string) {
      const ids: number[] = [];
      for (let i = 0; i < text.length;) {
        const s = SPECIALS.findIndex((sp) => text.startsWith(sp, i));
        if (s >= 0) {
          ids.push(1000 + s);
          i += SPECIALS[s]?.length ?? 1;
        } else ids.push(text.charCodeAt(i++));
      }
      return ids;
    },
    decode(ids: number[]) {
      return ids
        .map((id) => (id >= 1000 ? '' : id >= 500 ? String.fromCharCode(id - 500) : String.fromCharCode(id)))
        .join('');
    },
  };
  return tk;
}

// The model "generated" "hi" as ids that re-encoding would not give (500 + char: a different split).
const generated = [500 + 104, 500 + 105];
const chat: ChatMessage[] = [
  { role: 'user', content: 'a' },
  { role: 'assistant', content: 'hi', tokenIds: generated },
  { role: 'user', content: 'b' },
];

describe('tokenizeChat', () => {
  it('splices the generated ids where the template put the text, so the prompt extends the cached one', () => {
    const tk = fakeTokenizer();
    const firstPrompt = tk.encode(tk.apply_chat_template([{ role: 'user', content: 'a' }], {}) as string);
    const ids = tokenizeChat(tk, chat);
    expect(ids.slice(0, firstPrompt.length)).toEqual(firstPrompt);
    expect(ids.slice(firstPrompt.length, firstPrompt.length + 2)).toEqual(generated);
    expect(ids.slice(firstPrompt.length + 2)).toEqual(
      tk.encode('<|im_end|>\n<|im_start|>user\nb<|im_end|>\n<|im_start|>assistant\n'),
    );
  });

  it('encodes the text when the ids do not decode to it (another model, a cut stop sequence)', () => {
    const tk = fakeTokenizer();
    const wrong = chat.map((m) => (m.tokenIds ? { ...m, tokenIds: [500 + 120] } : m));
    const text = tk.apply_chat_template(chat, {}) as string;
    expect(tokenizeChat(tk, wrong)).toEqual(tk.encode(text));
  });

  it('a template that rewrites a turn gets that turn as text: reuse stops at the difference', () => {
    const tk = fakeTokenizer(true);
    const padded = chat.map((m) => (m.tokenIds ? { ...m, content: 'hi ', tokenIds: [...generated, 32] } : m));
    const text = tk.apply_chat_template(padded, {}) as string;
    expect(tokenizeChat(tk, padded)).toEqual(tk.encode(text));
    // A turn the template leaves as it is still gets its ids, also next to one it rewrites.
    expect(tokenizeChat(tk, chat)).toContain(500 + 104);
    const both = [...padded, { role: 'assistant' as const, content: 'ok', tokenIds: [500 + 111, 500 + 107] }];
    const ids = tokenizeChat(tk, both);
    expect(ids).toContain(500 + 111);
    expect(ids).not.toContain(500 + 104);
  });

  it('a plain chat is the template encoded', () => {
    const tk = fakeTokenizer();
    const plain = chat.map(({ role, content }) => ({ role, content }));
    expect(tokenizeChat(tk, plain)).toEqual(tk.encode(tk.apply_chat_template(plain, {}) as string));
    expect(tk.renders).toBe(2);
  });
});
