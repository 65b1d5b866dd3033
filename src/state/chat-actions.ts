import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import type { ChatMessage } from '../../workers/protocol';
import type { Bridge } from '../engine/bridge';
import type { AppStore } from './store';
import { emptyConversation, newId, summarize, type ChatEntry, type Conversation } from './chat-slice';
import { describeError } from './errors-slice';
import { isGenerating } from './generation-slice';
import type { Persistence } from './persistence';
import { fieldFromEngineMessage, parseSampling } from './sampling';

export interface ChatActions {
  /** Restores settings and the last open conversation, then keeps settings saved. */
  hydrate(): Promise<void>;
  /** Returns false (and shows why) when the message was not sent, so the composer keeps the text. */
  send(text: string): Promise<boolean>;
  regenerate(): Promise<void>;
  newChat(): Promise<void>;
  openConversation(id: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
}

const SETTINGS_SAVE_DELAY_MS = 400;

/** The history the chat template sees: system prompt first, then every turn that has text. */
export function buildMessages(systemPrompt: string, entries: readonly ChatEntry[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt.trim() });
  for (const e of entries) {
    if (e.status === 'error' || e.status === 'streaming' || e.content === '') continue;
    messages.push({ role: e.role, content: e.content });
  }
  return messages;
}

/** A conversation saved mid-stream (the tab closed) comes back as stopped, never as forever streaming. */
function settle(conversation: Conversation): Conversation {
  return {
    ...conversation,
    messages: conversation.messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'stopped' } : m)),
  };
}

export function createChatActions(bridge: Bridge, store: AppStore, persistence: Persistence): ChatActions {
  const reportStorage = (error: unknown) => {
    const { message } = describeError(error);
    store
      .getState()
      .errorShown({ name: 'StorageError', message: `Could not save to IndexedDB: ${message}. Chats may not persist.` });
  };

  async function persistCurrent(): Promise<void> {
    const { current } = store.getState().chat;
    if (current.messages.length === 0) return;
    store.getState().summaryUpserted(summarize(current));
    try {
      await persistence.saveConversation(current, store.getState().chat.list);
      await persistence.saveCurrentId(current.id);
    } catch (error) {
      reportStorage(error);
    }
  }

  async function stopRunning(): Promise<void> {
    if (isGenerating(store.getState().generation.status)) await bridge.stop();
  }

  /** Streams an answer into the assistant entry `id`, from the turns before it. */
  async function answer(id: string): Promise<void> {
    const state = store.getState();
    const { params } = parseSampling(state.settings.sampling);
    const before = state.chat.current.messages.slice(
      0,
      state.chat.current.messages.findIndex((m) => m.id === id),
    );
    const outcome = await bridge.generate(
      { ...params, messages: buildMessages(state.settings.systemPrompt, before) },
      { owner: 'chat' },
    );
    const s = store.getState();
    if (outcome.reason === 'error' && outcome.error) {
      const { error } = outcome;
      const field = error.name === 'InvalidParams' ? fieldFromEngineMessage(error.message) : null;
      if (field) s.fieldErrorsSet({ ...s.errors.fields, [field]: error.message });
      s.messageUpdated(id, {
        content: outcome.text,
        status: outcome.text ? 'stopped' : 'error',
        error: `${error.name}: ${error.message}`,
      });
      s.errorShown(error, () => void regenerate());
    } else {
      s.messageUpdated(id, {
        content: outcome.text,
        status: outcome.reason === 'stopped' ? 'stopped' : 'complete',
        reason: outcome.reason === 'error' ? undefined : outcome.reason,
        stats: outcome.stats,
      });
    }
    await persistCurrent();
  }

  async function regenerate(): Promise<void> {
    await stopRunning();
    const messages = store.getState().chat.current.messages;
    const lastUser = messages.findLastIndex((m) => m.role === 'user');
    if (lastUser === -1) return;
    const after = messages[lastUser + 1];
    if (after) store.getState().messagesTruncatedFrom(after.id);
    store.getState().errorDismissed();
    const id = newId('msg');
    store.getState().messageAdded({ id, role: 'assistant', content: '', status: 'streaming' });
    await answer(id);
  }

  async function open(conversation: Conversation): Promise<void> {
    store.getState().conversationOpened(conversation);
    await persistence.saveCurrentId(conversation.id).catch(reportStorage);
  }

  return {
    async hydrate() {
      try {
        const [settings, list, currentId] = await Promise.all([
          persistence.loadSettings(),
          persistence.listConversations(),
          persistence.loadCurrentId(),
        ]);
        if (settings) store.getState().settingsHydrated(settings);
        store.getState().conversationsListed(list);
        const current = currentId ? await persistence.loadConversation(currentId) : undefined;
        if (current) store.getState().conversationOpened(settle(current));
      } catch (error) {
        reportStorage(error);
      }
      let timer: ReturnType<typeof setTimeout> | null = null;
      store.subscribe((state, previous) => {
        if (state.settings === previous.settings) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(
          () => void persistence.saveSettings(store.getState().settings).catch(reportStorage),
          SETTINGS_SAVE_DELAY_MS,
        );
      });
    },

    async send(text) {
      const state = store.getState();
      if (!text.trim() || isGenerating(state.generation.status)) return false;
      // Refused here, before the worker spends seconds tokenizing a huge paste; the draft is kept.
      if (text.length > SAMPLING_LIMITS.messageChars) {
        state.errorShown({
          name: 'InvalidParams',
          message: `Your message is ${text.length.toLocaleString('en')} characters; the limit is ${SAMPLING_LIMITS.messageChars.toLocaleString('en')}. Shorten it, or send the part you need.`,
        });
        return false;
      }
      const { errors } = parseSampling(state.settings.sampling);
      state.fieldErrorsSet(errors);
      const first = Object.values(errors)[0];
      if (first) {
        state.errorShown({ name: 'InvalidParams', message: `${first} Fix it in Settings.` });
        return false;
      }
      if (state.model.status !== 'ready') {
        state.errorShown({
          name: 'ModelNotLoaded',
          message: 'No model is ready yet. Wait for it to load, or load one in Settings.',
        });
        return false;
      }
      state.errorDismissed();
      state.messageAdded({ id: newId('msg'), role: 'user', content: text.trim(), status: 'complete' });
      const id = newId('msg');
      store.getState().messageAdded({ id, role: 'assistant', content: '', status: 'streaming' });
      await persistCurrent();
      void answer(id);
      return true;
    },

    regenerate,

    async newChat() {
      await stopRunning();
      await open(emptyConversation());
    },

    async openConversation(id) {
      if (store.getState().chat.current.id === id) return;
      await stopRunning();
      try {
        const conversation = await persistence.loadConversation(id);
        if (conversation) await open(settle(conversation));
        else {
          store.getState().summaryRemoved(id);
          store.getState().errorShown({ name: 'NotFound', message: 'That conversation is no longer stored.' });
        }
      } catch (error) {
        reportStorage(error);
      }
    },

    async deleteConversation(id) {
      const state = store.getState();
      if (state.chat.current.id === id) {
        await stopRunning();
        await open(emptyConversation());
      }
      store.getState().summaryRemoved(id);
      await persistence.deleteConversation(id, store.getState().chat.list).catch(reportStorage);
    },
  };
}
