import type { ChatMessage, ToolFunction } from '../protocol';
import { templateMessages, templateTools } from './template-tools';

/** What prompt tokenization needs from a transformers.js tokenizer. */
export interface PromptTokenizer {
  apply_chat_template(messages: object[], options: object): unknown;
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: object): string;
}

const DECODE = { skip_special_tokens: true, clean_up_tokenization_spaces: false } as const;
// Private-use characters: no template touches them and no model writes them unprompted.
const marker = (i: number) => `\uE000${i}\uE001`;
const MARKERS = /\uE000(\d+)\uE001/;

/** What a request passes to the chat template besides the messages. */
export interface TemplateOptions {
  /** The template's `enable_thinking` (Qwen3); left out when unset, so the template's own default holds. */
  enableThinking?: boolean | undefined;
  /** Functions the model may call, through the template's own `tools`. */
  tools?: readonly ToolFunction[] | undefined;
}

/** The template's extra variables: transformers.js passes unknown options to the Jinja template as kwargs. */
export function templateKwargs(options: TemplateOptions): Record<string, unknown> {
  return options.enableThinking === undefined ? {} : { enable_thinking: options.enableThinking };
}

function render(tokenizer: PromptTokenizer, messages: readonly ChatMessage[], options: TemplateOptions): string {
  return tokenizer.apply_chat_template(templateMessages(messages), {
    add_generation_prompt: true,
    tokenize: false,
    ...templateTools(options.tools),
    ...templateKwargs(options),
  }) as string;
}

/**
 * Tokenizes a chat through its template, splicing in each assistant turn's own generated ids.
 *
 * Re-encoding generated text does not always give the ids the model produced (BPE merges differ
 * from sampled splits), and any difference ends KV reuse there. So the template is rendered twice:
 * as is, and with those turns' contents replaced by markers. If putting the contents back where the
 * markers are gives exactly the real rendering, the template placed them verbatim; the text between
 * markers is encoded (the first piece is the previous turn's prompt, encoded just as it was) and the
 * kept ids go in between. A template that rewrites a turn (trims it, drops its thinking) fails the
 * check for that turn, which is then encoded as text: reuse stops at the first difference, as it must.
 * Ids that do not decode to the content (another model's, a stop sequence cut inside a token) are ignored.
 */
export function tokenizeChat(
  tokenizer: PromptTokenizer,
  messages: readonly ChatMessage[],
  options: TemplateOptions = {},
): number[] {
  const text = render(tokenizer, messages, options);
  const encode = (s: string) => (s === '' ? [] : tokenizer.encode(s, { add_special_tokens: false }));
  const usable = messages.flatMap((m, i) =>
    m.role === 'assistant' &&
    m.tokenIds &&
    m.tokenIds.length > 0 &&
    tokenizer.decode([...m.tokenIds], DECODE) === m.content
      ? [i]
      : [],
  );
  /** The rendering split at the chosen turns, if the template placed each of them verbatim; else null. */
  const split = (chosen: readonly number[]): string[] | null => {
    const marked = render(
      tokenizer,
      messages.map((m, i) => (chosen.includes(i) ? { ...m, content: marker(i) } : m)),
      options,
    );
    const parts = marked.split(MARKERS); // text, index, text, index, ..., text
    let rebuilt = '';
    for (let p = 0; p < parts.length; p++) {
      rebuilt += p % 2 === 0 ? parts[p] : (messages[Number(parts[p])]?.content ?? '\uFFFF');
    }
    return rebuilt === text ? parts : null;
  };
  if (usable.length === 0) return encode(text);
  // Usually every turn is verbatim (one extra rendering). Otherwise keep the turns that are, one check each.
  let parts = split(usable);
  if (!parts) {
    const verbatim = usable.filter((i) => split([i]) !== null);
    parts = verbatim.length > 0 ? split(verbatim) : null;
  }
  if (!parts) return encode(text);
  const ids: number[] = [];
  for (let p = 0; p < parts.length; p++) {
    if (p % 2 === 0) ids.push(...encode(parts[p] ?? ''));
    else ids.push(...(messages[Number(parts[p])]?.tokenIds ?? []));
  }
  return ids;
}
