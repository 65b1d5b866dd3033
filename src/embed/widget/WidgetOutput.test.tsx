// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreContext } from '../../state/hooks';
import { createAppStore } from '../../state/store';
import { EMBED_OWNER } from './session';
import { WidgetOutput } from './WidgetOutput';

afterEach(cleanup);

describe('WidgetOutput and a reasoning model', () => {
  it('says Thinking… while the model thinks, and shows only the answer, never the thinking or its tags', () => {
    const store = createAppStore();
    store.getState().generationStarted('r1', EMBED_OWNER);
    const view = render(
      <StoreContext.Provider value={store}>
        <WidgetOutput />
      </StoreContext.Provider>,
    );
    act(() => store.getState().generationPatched({ thinking: { blocks: [], tail: 'secret plan', done: false } }));
    expect(view.getByRole('status').textContent).toBe('Thinking…');
    expect(view.container.textContent).not.toContain('secret plan');
    act(() =>
      store.getState().generationPatched({ thinking: { blocks: [], tail: 'secret plan', done: true }, tail: 'Hello' }),
    );
    expect(view.queryByRole('status')).toBeNull();
    expect(view.getByRole('log').textContent).toBe('Hello');
  });
});
