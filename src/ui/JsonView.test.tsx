// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { connectedBridge } from '../state/test-bridge';
import { FakeEngine } from '../engine/fake-engine';
import { createChatActions } from '../state/chat-actions';
import { StoreContext } from '../state/hooks';
import { createMemoryPersistence } from '../state/persistence';
import { createAppStore } from '../state/store';
import { CommittedMessage, LiveMessage } from './MessageView';
import { useAppStore } from '../state/hooks';

afterEach(cleanup);

/** The transcript's messages, as Transcript renders them (without its scroll container). */
function Messages() {
  const messages = useAppStore((s) => s.chat.current.messages);
  return messages.map((m) =>
    m.status === 'streaming' ? <LiveMessage key={m.id} entry={m} /> : <CommittedMessage key={m.id} entry={m} />,
  );
}

const SCRIPT = ['```json\n{"na', 'me": "Ada Lo', 've', 'lace", "born": 18', '15, "langs": ["en"', ', "fr"]}\n```'];

async function setup(script: readonly string[], tokenIntervalMs: number) {
  const store = createAppStore();
  const engine = new FakeEngine({ script, tokenIntervalMs, loadStepMs: 1 });
  const bridge = connectedBridge(engine, store, {
    scheduleFrame: (cb) => setTimeout(cb, 0) as unknown as number,
    cancelFrame: clearTimeout,
  });
  const chat = createChatActions(bridge, store, createMemoryPersistence());
  await bridge.load({ source: { kind: 'url', url: '/models/demo/' } });
  render(
    <StoreContext.Provider value={store}>
      <Messages />
    </StoreContext.Provider>,
  );
  return { store, chat };
}

describe('JSON view', () => {
  it('shows the live partial object while a JSON answer streams, then the complete one', async () => {
    const { store, chat } = await setup(SCRIPT, 60);
    await act(() => chat.send('Give me JSON'));
    // Mid-stream: the partial object, strings cut where the tokens are, the split number not shown yet.
    await waitFor(() => expect(screen.getByLabelText('JSON view').textContent).toContain('"name": "Ada Love"'), {
      timeout: 2000,
    });
    const partial = screen.getByLabelText('JSON view').closest('details');
    expect(partial?.dataset.jsonStatus).toBe('partial');
    expect(screen.getByLabelText('JSON view').textContent).not.toContain('born');
    expect(screen.getByText(/^JSON view \(partial\)/)).toBeTruthy();

    await waitFor(() => expect(store.getState().chat.current.messages.at(-1)?.status).toBe('complete'), {
      timeout: 3000,
    });
    const view = screen.getByLabelText('JSON view');
    expect(JSON.parse(view.textContent ?? '')).toEqual({ name: 'Ada Lovelace', born: 1815, langs: ['en', 'fr'] });
    expect(view.closest('details')?.dataset.jsonStatus).toBe('complete');
  });

  it('stays hidden for prose answers, and applies redaction inside the JSON', async () => {
    const prose = await setup(['Hello', ' there.'], 1);
    await act(() => prose.chat.send('hi'));
    await waitFor(() => expect(prose.store.getState().chat.current.messages.at(-1)?.status).toBe('complete'));
    expect(screen.queryByLabelText('JSON view')).toBeNull();
    cleanup();

    const secret = await setup(['{"pin": "hun', 'ter2"}'], 1);
    secret.store.getState().settingsChanged({ redactWords: 'hunter2' });
    await act(() => secret.chat.send('pin?'));
    await waitFor(() => expect(secret.store.getState().chat.current.messages.at(-1)?.status).toBe('complete'));
    expect(JSON.parse(screen.getByLabelText('JSON view').textContent ?? '')).toEqual({ pin: '███████' });
    expect(document.body.textContent).not.toContain('hunter2');
  });
});
