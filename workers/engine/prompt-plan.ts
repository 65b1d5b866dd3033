import type { ChatMessage } from '../protocol';
import { EngineError } from './errors';
import { planEviction } from './eviction';
import { fitToContext } from './generation';
import { tokenizeChat, type PromptTokenizer, type TemplateOptions } from './prompt-ids';

export interface PromptPlan {
  promptIds: number[];
  maxTokens: number;
  /** Leading non-system messages left out to fit the context. */
  evicted: number;
  contextLength: number;
}

/**
 * The prompt a request sends, fitted to the context. A chat that no longer fits
 * `contextLength − maxTokens` loses its oldest turns (see `planEviction`); the answer's room is
 * capped at half the context, so a huge max tokens does not evict the whole history. Only a last
 * message that cannot fit even alone is an error.
 */
export function planPrompt(
  tokenizer: PromptTokenizer,
  input: { messages?: readonly ChatMessage[] | undefined; prompt?: string | undefined } & TemplateOptions,
  maxTokens: number,
  contextLength: number,
): PromptPlan {
  if (!input.messages) {
    const promptIds = tokenizer.encode(input.prompt ?? '');
    return {
      promptIds,
      maxTokens: fitToContext(promptIds.length, maxTokens, contextLength),
      evicted: 0,
      contextLength,
    };
  }
  const memo = new Map<string, number[]>();
  const tokenize = (messages: ChatMessage[]) => {
    // Plans try the same suffixes more than once; the key is how many messages were kept.
    const key = String(messages.length);
    let ids = memo.get(key);
    if (!ids) memo.set(key, (ids = tokenizeChat(tokenizer, messages, input)));
    return ids;
  };
  const budget = contextLength - Math.min(maxTokens, Math.floor(contextLength / 2));
  const plan = planEviction(input.messages, budget, (messages, b) => tokenize(messages).length <= b);
  const promptIds = tokenize(plan.messages);
  if (promptIds.length >= contextLength) {
    const last = plan.messages.at(-1)?.content ?? '';
    const own = tokenizer.encode(last, { add_special_tokens: false }).length;
    const room = Math.max(0, contextLength - (promptIds.length - own) - 1);
    throw new EngineError(
      'ContextOverflow',
      `Your message is ${own} tokens, but the model's context holds ${contextLength} tokens, so a message can have at most ${room} (after the system prompt and the chat template). Shorten it or split it into several messages.`,
    );
  }
  return {
    promptIds,
    maxTokens: Math.min(maxTokens, contextLength - promptIds.length),
    evicted: plan.evicted,
    contextLength,
  };
}
