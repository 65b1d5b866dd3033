import type { ChatMessage } from '../../workers/protocol';
import type { ChatEntry } from './chat-slice';

/** The request a chat sends, and which entry each of its non-system messages came from. */
export interface ChatContext {
  messages: ChatMessage[];
  /** Entry ids of `messages` after the system prompt, in order (the engine's `evictedMessages` counts these). */
  entryIds: string[];
}

/**
 * The history the chat template sees: system prompt first, then every turn that has text and is
 * still inside the context. Assistant turns carry the ids the current model generated for them, so
 * the engine's KV cache matches them exactly (text re-encoded may tokenize differently).
 */
export function buildContext(systemPrompt: string, entries: readonly ChatEntry[], modelId: string | null): ChatContext {
  const messages: ChatMessage[] = [];
  const entryIds: string[] = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt.trim() });
  for (const e of entries) {
    if (e.status === 'error' || e.status === 'streaming' || e.content === '' || e.outOfContext) continue;
    const ids = e.role === 'assistant' && e.tokenIds && modelId && e.tokenModel === modelId ? e.tokenIds : null;
    messages.push(ids ? { role: e.role, content: e.content, tokenIds: ids } : { role: e.role, content: e.content });
    entryIds.push(e.id);
  }
  return { messages, entryIds };
}

/** The entries the engine left out (the oldest `evicted` of those sent). */
export function evictedEntryIds(context: ChatContext, evicted: number): string[] {
  return context.entryIds.slice(0, Math.max(0, evicted));
}

/** The one notice for a transcript with messages outside the context, or null. */
export function evictionNotice(entries: readonly ChatEntry[]): string | null {
  const n = entries.filter((e) => e.outOfContext).length;
  if (n === 0) return null;
  return `Earlier messages no longer fit the model's context; the oldest ${n} ${n === 1 ? 'is' : 'are'} left out.`;
}

/** `contextLimit` as typed in Settings: a whole number of at least 16, or empty for the model's own. */
export function parseContextLimit(raw: string): { value?: number; error?: string } {
  const t = raw.trim();
  if (t === '') return {};
  const n = Number(t);
  if (!Number.isInteger(n) || n < 16)
    return { error: `Context tokens must be a whole number of at least 16 (got ${t}).` };
  return { value: n };
}
