import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../workers/protocol';
import { emptyConversation } from './chat-slice';
import { createAppStore } from './store';

describe('store slices', () => {
  it('model: loading → progress → ready, and a failure clears the result', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().loadStarted({ source: { kind: 'url', url: '/models/demo/' } }, 'Demo');
    expect(s().model).toMatchObject({ status: 'loading', label: 'Demo', progress: null });
    s().loadProgressed(
      { phase: 'download', files: [], loaded: 5, total: 10, elapsedMs: 1 },
      { bytesPerSecond: 5, etaMs: 1000 },
    );
    expect(s().model.progress?.loaded).toBe(5);
    s().loadFailed(null);
    expect(s().model).toMatchObject({ status: 'error', result: null });
    s().loadCancelled(null);
    expect(s().model).toMatchObject({ status: 'idle', note: 'Loading cancelled.' });
  });

  it('model: a failed or cancelled load that kept the model before goes back to it, ready', () => {
    const store = createAppStore();
    const s = () => store.getState();
    const demo = { source: { kind: 'url' as const, url: '/models/demo/' } };
    s().loadStarted(demo, 'Demo');
    const result = { modelId: 'demo', backend: 'wasm' } as LoadResult;
    s().loadSucceeded(result);
    s().loadStarted({ source: { kind: 'url', url: '/models/nope/' } }, 'Nope');
    s().loadFailed({ spec: demo, label: 'Demo', result });
    expect(s().model).toMatchObject({ status: 'ready', spec: demo, label: 'Demo', result, progress: null });
    s().loadStarted({ source: { kind: 'url', url: '/models/nope/' } }, 'Nope');
    s().loadCancelled({ spec: demo, label: 'Demo', result });
    expect(s().model).toMatchObject({ status: 'ready', label: 'Demo', result, note: 'Loading cancelled.' });
  });

  it('chat: the first user message titles the conversation; truncation drops the tail', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().conversationOpened(emptyConversation(0));
    s().messageAdded({ id: 'u1', role: 'user', content: 'How do rockets work?\nDetails please', status: 'complete' });
    s().messageAdded({ id: 'a1', role: 'assistant', content: '', status: 'streaming' });
    expect(s().chat.current.title).toBe('How do rockets work?');
    s().messageUpdated('a1', { content: 'Thrust.', status: 'complete' });
    expect(s().chat.current.messages[1]).toMatchObject({ content: 'Thrust.', status: 'complete' });
    s().messagesTruncatedFrom('a1');
    expect(s().chat.current.messages.map((m) => m.id)).toEqual(['u1']);
  });

  it('chat: summaries stay newest first and unique', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().summaryUpserted({ id: 'a', title: 'A', updatedAt: 1, messageCount: 2 });
    s().summaryUpserted({ id: 'b', title: 'B', updatedAt: 2, messageCount: 2 });
    s().summaryUpserted({ id: 'a', title: 'A', updatedAt: 3, messageCount: 4 });
    expect(s().chat.list.map((c) => c.id)).toEqual(['a', 'b']);
    s().summaryRemoved('a');
    expect(s().chat.list.map((c) => c.id)).toEqual(['b']);
  });

  it('settings: hydration merges saved values over defaults, field by field', () => {
    const store = createAppStore();
    store.getState().settingsHydrated({ hubHost: 'http://localhost:5101', sampling: { maxTokens: '3000' } as never });
    const { settings } = store.getState();
    expect(settings.hubHost).toBe('http://localhost:5101');
    expect(settings.sampling.maxTokens).toBe('3000');
    expect(settings.sampling.temperature).toBe('0.7');
  });

  it('generation: start resets the previous run; finish records reason and stats', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().generationPatched({ text: 'old', tokens: 9 });
    s().generationStarted('r2', 'embed');
    expect(s().generation).toMatchObject({ status: 'starting', text: '', tokens: 0, owner: 'embed' });
    const stats = {
      promptTokens: 3,
      tokens: 2,
      maxTokens: 2,
      ttftMs: 5,
      prefillTokPerS: 600,
      decodeTokPerS: 300,
      averageDecodeTokPerS: 300,
      elapsedMs: 10,
      pausedMs: 0,
      etaMs: 0,
    };
    s().generationFinished('length', 'ab', stats);
    expect(s().generation).toMatchObject({ status: 'done', finishReason: 'length', text: 'ab', tokens: 2 });
    s().errorShown({ name: 'X', message: 'y' });
    s().errorDismissed();
    expect(s().errors.banner).toBeNull();
  });
});
