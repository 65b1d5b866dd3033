import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import type { ChatMessage } from '../../workers/protocol';
import type { Bridge } from '../engine/bridge';
import type { AppStore } from './store';
import { backendFallback } from './backend-fallback';
import { emptyConversation, newId, summarize, type ChatEntry, type Conversation } from './chat-slice';
import { buildContext, evictedEntryIds, parseContextLimit } from './context-window';
import { describeError } from './errors-slice';
import { isGenerating } from './generation-slice';
import type { Persistence } from './persistence';
import { parseResponseSchema } from './response-format';
import { fieldFromEngineMessage, parseSampling } from './sampling';

export interface ChatActions {
  /** Restores settings and the last open conversation, then keeps settings saved. */
  hydrate(): Promise<void>;
  /** Returns false (and shows why) when the message was not sent, so the composer keeps the text. */
  send(text: string): Promise<boolean>;
  regenerate(): Promise<void>;
  /** Replaces a user message's text and answers it again; the turns after it are dropped (the KV cache rolls back to it). */
  editMessage(id: string, text: string): Promise<boolean>;
  newChat(): Promise<void>;
  openConversation(id: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
}

const SETTINGS_SAVE_DELAY_MS = 400;

/** The history the chat template sees: system prompt first, then every turn that has text (see `buildContext`). */
export function buildMessages(systemPrompt: string, entries: readonly ChatEntry[]): ChatMessage[] {
  return buildContext(systemPrompt, entries, null).messages;
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
    const modelId = state.model.result?.modelId ?? null;
    const context = buildContext(state.settings.systemPrompt, before, modelId);
    const contextLimit = parseContextLimit(state.settings.contextLimit).value;
    const responseFormat = parseResponseSchema(state.settings.responseSchema).value;
    let tokenIds: number[] | undefined;
    const outcome = await bridge.generate(
      {
        ...params,
        messages: context.messages,
        speculative: state.settings.speculative,
        keepCacheMs: state.settings.keepCacheMs,
        // Earlier answers go back with their `<think>…</think>`: the template itself decides what to keep of it.
        enableThinking: state.settings.enableThinking,
        ...(contextLimit ? { contextLimit } : {}),
        ...(responseFormat ? { responseFormat } : {}),
      },
      {
        owner: 'chat',
        onEvent(event) {
          // The engine left the oldest turns out to fit the context: they stay shown, marked.
          if (event.type === 'start' && event.evictedMessages)
            store.getState().messagesEvicted(evictedEntryIds(context, event.evictedMessages));
          if (event.type === 'done') tokenIds = event.tokenIds;
        },
      },
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
      // A remote server that failed mid-answer: the text so far is kept, and the local model is one click away.
      s.errorShown(error, () => void regenerate(), backendFallback(store, bridge, null, error));
    } else {
      s.messageUpdated(id, {
        content: outcome.text,
        status: outcome.reason === 'stopped' ? 'stopped' : 'complete',
        reason: outcome.reason === 'error' ? undefined : outcome.reason,
        stats: outcome.stats,
        ...(tokenIds && modelId ? { tokenIds, tokenModel: modelId } : {}),
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

  async function editMessage(id: string, text: string): Promise<boolean> {
    const entry = store.getState().chat.current.messages.find((m) => m.id === id);
    if (!entry || entry.role !== 'user' || !text.trim()) return false;
    if (store.getState().model.status !== 'ready') {
      store.getState().errorShown({
        name: 'ModelNotLoaded',
        message: 'No model is ready yet. Wait for it to load, or load one in Settings.',
      });
      return false;
    }
    await stopRunning();
    const s = store.getState();
    s.errorDismissed();
    s.messagesTruncatedFrom(id);
    s.messageAdded({ id: newId('msg'), role: 'user', content: text.trim(), status: 'complete' });
    const answerId = newId('msg');
    store.getState().messageAdded({ id: answerId, role: 'assistant', content: '', status: 'streaming' });
    await persistCurrent();
    void answer(answerId);
    return true;
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
      const contextError = parseContextLimit(state.settings.contextLimit).error;
      if (contextError) {
        state.errorShown({ name: 'InvalidParams', message: `${contextError} Fix it in Settings.` });
        return false;
      }
      const schemaError = parseResponseSchema(state.settings.responseSchema).error;
      if (schemaError) {
        state.errorShown({ name: 'InvalidSchema', message: `${schemaError} Fix it in Settings.` });
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
    editMessage,

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
