import { createStore as createIdbStore, get, promisifyRequest, set, type UseStore } from 'idb-keyval';
import type { Conversation, ConversationSummary } from './chat-slice';
import type { Settings } from './settings-slice';

/** Where conversations and settings survive reloads. Writes happen on completion, never per token. */
export interface Persistence {
  loadSettings(): Promise<Partial<Settings> | undefined>;
  saveSettings(settings: Settings): Promise<void>;
  listConversations(): Promise<ConversationSummary[]>;
  loadConversation(id: string): Promise<Conversation | undefined>;
  saveConversation(conversation: Conversation, summaries: ConversationSummary[]): Promise<void>;
  deleteConversation(id: string, summaries: ConversationSummary[]): Promise<void>;
  loadCurrentId(): Promise<string | undefined>;
  saveCurrentId(id: string): Promise<void>;
}

const KEYS = {
  settings: 'settings',
  index: 'conversations',
  current: 'current-conversation',
  conversation: (id: string) => `conversation:${id}`,
};

/** IndexedDB through idb-keyval, in its own database so it never collides with other features' keys. */
export function createIdbPersistence(store: UseStore = createIdbStore('typewriter-chat', 'kv')): Persistence {
  return {
    loadSettings: () => get<Partial<Settings>>(KEYS.settings, store),
    saveSettings: (settings) => set(KEYS.settings, settings, store),
    listConversations: async () => (await get<ConversationSummary[]>(KEYS.index, store)) ?? [],
    loadConversation: (id) => get<Conversation>(KEYS.conversation(id), store),
    // A conversation and the index that lists it change in one transaction: a crash or a full disk between two
    // writes must not leave an index entry without its conversation (or a conversation the index forgot).
    saveConversation: (conversation, summaries) =>
      store('readwrite', (kv) => {
        kv.put(conversation, KEYS.conversation(conversation.id));
        kv.put(summaries, KEYS.index);
        return promisifyRequest(kv.transaction);
      }),
    deleteConversation: (id, summaries) =>
      store('readwrite', (kv) => {
        kv.delete(KEYS.conversation(id));
        kv.put(summaries, KEYS.index);
        return promisifyRequest(kv.transaction);
      }),
    loadCurrentId: () => get<string>(KEYS.current, store),
    saveCurrentId: (id) => set(KEYS.current, id, store),
  };
}

/** For tests and for pages where IndexedDB is unavailable (some private modes). */
export function createMemoryPersistence(): Persistence {
  const data = new Map<string, unknown>();
  const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
  return {
    loadSettings: async () => clone(data.get(KEYS.settings) as Partial<Settings> | undefined),
    saveSettings: async (s) => void data.set(KEYS.settings, clone(s)),
    listConversations: async () => clone((data.get(KEYS.index) as ConversationSummary[] | undefined) ?? []),
    loadConversation: async (id) => clone(data.get(KEYS.conversation(id)) as Conversation | undefined),
    async saveConversation(c, summaries) {
      data.set(KEYS.conversation(c.id), clone(c));
      data.set(KEYS.index, clone(summaries));
    },
    async deleteConversation(id, summaries) {
      data.delete(KEYS.conversation(id));
      data.set(KEYS.index, clone(summaries));
    },
    loadCurrentId: async () => data.get(KEYS.current) as string | undefined,
    saveCurrentId: async (id) => void data.set(KEYS.current, id),
  };
}
