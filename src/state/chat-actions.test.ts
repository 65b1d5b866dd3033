import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../workers/protocol';
import { connectedBridge } from './test-bridge';
import { FakeEngine } from '../engine/fake-engine';
import { buildMessages, createChatActions } from './chat-actions';
import { createMemoryPersistence } from './persistence';
import { createAppStore } from './store';

const frames = { scheduleFrame: (cb: () => void) => setTimeout(cb, 0) as unknown as number, cancelFrame: clearTimeout };

async function setup(script?: readonly string[]) {
  const engine = new FakeEngine({ tokenIntervalMs: 1, loadStepMs: 1, ...(script ? { script } : {}) });
  const store = createAppStore();
  const bridge = connectedBridge(engine, store, frames);
  const persistence = createMemoryPersistence();
  const chat = createChatActions(bridge, store, persistence);
  await chat.hydrate();
  await bridge.load({ source: { kind: 'url', url: '/models/demo/' } });
  store.getState().samplingChanged('maxTokens', '4');
  const settled = () =>
    new Promise<void>((resolve) => {
      const check = () =>
        store.getState().chat.current.messages.some((m) => m.status === 'streaming') ? setTimeout(check, 2) : resolve();
      check();
    });
  return { engine, store, bridge, persistence, chat, settled };
}

describe('chat actions', () => {
  it("sends a reasoning model's answer back whole, <think> included (the template strips it), with the thinking setting", async () => {
    const script = ['<think>', 'hmm', '</think>', '\n\n', 'Hi'];
    const { engine, store, chat, settled } = await setup(script);
    store.getState().samplingChanged('maxTokens', '10');
    await chat.send('One');
    await settled();
    store.getState().settingsChanged({ enableThinking: false });
    await chat.send('Two');
    await settled();
    const requests = engine.calls.filter((c) => c.method === 'generate').map((c) => c.arg as GenerateRequest);
    expect(requests.map((r) => r.enableThinking)).toEqual([true, false]);
    const answer = requests[1]?.messages?.find((m) => m.role === 'assistant');
    expect(answer?.content).toBe(script.join(''));
    // Its ids are the whole answer's too, so the engine can splice them where the template keeps the text verbatim.
    expect(answer?.tokenIds).toHaveLength(script.length);
  });

  it('sends the history through the template with the system prompt first', async () => {
    const { engine, store, chat, settled } = await setup();
    store.getState().settingsChanged({ systemPrompt: 'Be brief.' });
    await chat.send('One');
    await settled();
    await chat.send('Two');
    await settled();
    const requests = engine.calls.filter((c) => c.method === 'generate').map((c) => c.arg as GenerateRequest);
    expect(requests[1]?.messages?.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(requests[1]?.messages?.[0]?.content).toBe('Be brief.');
    expect(requests[1]?.maxTokens).toBe(4);
    expect(store.getState().chat.current.messages.map((m) => m.status)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
    ]);
  });

  it('persists on completion, and a fresh app restores the conversation and settings', async () => {
    const { store, persistence, chat, settled, bridge } = await setup();
    await chat.send('Remember this');
    await settled();
    await new Promise((r) => setTimeout(r, 450)); // settings save is debounced
    const again = createAppStore();
    const restored = createChatActions(connectedBridge(bridge.engine, again, frames), again, persistence);
    await restored.hydrate();
    expect(again.getState().chat.current.messages.map((m) => m.content)).toEqual(
      store.getState().chat.current.messages.map((m) => m.content),
    );
    expect(again.getState().chat.list).toHaveLength(1);
    expect(again.getState().settings.sampling.maxTokens).toBe('4');
  });

  it('does not send with an invalid setting, and says which field', async () => {
    const { store, chat, engine } = await setup();
    store.getState().samplingChanged('topP', '2');
    expect(await chat.send('Hello')).toBe(false);
    expect(store.getState().errors.fields.topP).toMatch(/^topP must be/);
    expect(store.getState().errors.banner?.name).toBe('InvalidParams');
    expect(engine.calls.some((c) => c.method === 'generate')).toBe(false);
  });

  it('sends the Settings JSON schema as responseFormat, and refuses to send with a bad one', async () => {
    const { engine, store, chat, settled } = await setup();
    store
      .getState()
      .settingsChanged({ responseSchema: '{"type": "object", "properties": {"n": {"type": "integer"}}}' });
    store.getState().samplingChanged('maxTokens', '64');
    await chat.send('Count');
    await settled();
    const request = engine.calls.find((c) => c.method === 'generate')?.arg as GenerateRequest;
    expect(request.responseFormat).toEqual({
      type: 'json_schema',
      schema: { type: 'object', properties: { n: { type: 'integer' } } },
      strict: true,
    });
    // The fake answers with a valid instance, streamed in pieces: the answer parses.
    const answer = store.getState().chat.current.messages.at(-1);
    expect(JSON.parse(answer?.content ?? '')).toEqual({ n: 0 });

    store.getState().settingsChanged({ responseSchema: '{"type": ' });
    expect(await chat.send('Again')).toBe(false);
    expect(store.getState().errors.banner?.name).toBe('InvalidSchema');
    expect(engine.calls.filter((c) => c.method === 'generate')).toHaveLength(1);
  });

  it('regenerate replaces the last answer; delete removes a stored conversation', async () => {
    const { store, chat, settled, persistence } = await setup();
    await chat.send('Hi');
    await settled();
    await chat.regenerate();
    await settled();
    expect(store.getState().chat.current.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    const id = store.getState().chat.current.id;
    await chat.deleteConversation(id);
    expect(await persistence.loadConversation(id)).toBeUndefined();
    expect(store.getState().chat.current.messages).toHaveLength(0);
  });

  it('buildMessages skips failed and empty turns', () => {
    expect(
      buildMessages('', [
        { id: '1', role: 'user', content: 'a', status: 'complete' },
        { id: '2', role: 'assistant', content: '', status: 'error' },
        { id: '3', role: 'user', content: 'b', status: 'complete' },
      ]),
    ).toEqual([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
  });
});
