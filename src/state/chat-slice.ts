import type { FinishReason, GenerationStats } from '../../workers/protocol';
import type { SliceCreator } from './store-types';

export type EntryStatus = 'complete' | 'streaming' | 'stopped' | 'error';

export interface ChatEntry {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: EntryStatus;
  reason?: FinishReason;
  stats?: GenerationStats | null;
  /** "Name: message" of a failed generation. */
  error?: string;
  /** Assistant turns: the ids the model generated (`done.tokenIds`), sent back so the KV cache is reused exactly. */
  tokenIds?: number[];
  /** The model those ids belong to; another model gets the text alone. */
  tokenModel?: string;
  /** Left out of the prompt because it no longer fit the model's context (still shown, marked). */
  outOfContext?: boolean;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: ChatEntry[];
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
}

export interface ChatState {
  current: Conversation;
  /** Past conversations, newest first. */
  list: ConversationSummary[];
}

export interface ChatSlice {
  chat: ChatState;
  conversationsListed(list: ConversationSummary[]): void;
  conversationOpened(conversation: Conversation): void;
  messageAdded(entry: ChatEntry): void;
  messageUpdated(id: string, patch: Partial<ChatEntry>): void;
  /** Drops the message with this id and everything after it (Regenerate). */
  messagesTruncatedFrom(id: string): void;
  /** Marks these messages as outside the model's context (eviction). */
  messagesEvicted(ids: readonly string[]): void;
  summaryUpserted(summary: ConversationSummary): void;
  summaryRemoved(id: string): void;
}

let idCounter = 0;
export function newId(prefix: string): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${(idCounter++).toString(36)}`;
  return `${prefix}-${random}`;
}

export function emptyConversation(now = Date.now()): Conversation {
  return { id: newId('conv'), title: 'New chat', createdAt: now, updatedAt: now, messages: [] };
}

export function summarize(conversation: Conversation): ConversationSummary {
  const { id, title, updatedAt, messages } = conversation;
  return { id, title, updatedAt, messageCount: messages.length };
}

export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 48 ? `${line.slice(0, 47)}…` : line || 'New chat';
}

export const createChatSlice: SliceCreator<ChatSlice> = (set) => ({
  chat: { current: emptyConversation(), list: [] },
  conversationsListed: (list) => set((s) => ({ chat: { ...s.chat, list } })),
  conversationOpened: (current) => set((s) => ({ chat: { ...s.chat, current } })),
  messageAdded: (entry) =>
    set((s) => {
      const c = s.chat.current;
      const first = c.messages.length === 0 && entry.role === 'user';
      const current = {
        ...c,
        title: first ? titleFrom(entry.content) : c.title,
        updatedAt: Date.now(),
        messages: [...c.messages, entry],
      };
      return { chat: { ...s.chat, current } };
    }),
  messageUpdated: (id, patch) =>
    set((s) => {
      const c = s.chat.current;
      const messages = c.messages.map((m) => (m.id === id ? { ...m, ...patch } : m));
      return { chat: { ...s.chat, current: { ...c, messages, updatedAt: Date.now() } } };
    }),
  messagesTruncatedFrom: (id) =>
    set((s) => {
      const c = s.chat.current;
      const at = c.messages.findIndex((m) => m.id === id);
      if (at === -1) return s;
      return { chat: { ...s.chat, current: { ...c, messages: c.messages.slice(0, at) } } };
    }),
  messagesEvicted: (ids) =>
    set((s) => {
      const c = s.chat.current;
      const out = new Set(ids);
      const messages = c.messages.map((m) => (out.has(m.id) ? { ...m, outOfContext: true } : m));
      return { chat: { ...s.chat, current: { ...c, messages } } };
    }),
  summaryUpserted: (summary) =>
    set((s) => ({
      chat: {
        ...s.chat,
        list: [summary, ...s.chat.list.filter((c) => c.id !== summary.id)].sort((a, b) => b.updatedAt - a.updatedAt),
      },
    })),
  summaryRemoved: (id) => set((s) => ({ chat: { ...s.chat, list: s.chat.list.filter((c) => c.id !== id) } })),
});
