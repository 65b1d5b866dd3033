// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bridge } from '../engine/bridge';
import { StoreContext } from '../state/hooks';
import { createAppStore } from '../state/store';
import { LoadPanel } from './LoadPanel';
import { ServicesContext } from './services';

afterEach(cleanup);

describe('LoadPanel retry notice', () => {
  it('says when and which retry comes, and Cancel stops the wait', () => {
    const store = createAppStore();
    store.getState().loadStarted({ source: { kind: 'hub', id: 'org/model' } }, 'Org model');
    const network = { name: 'NetworkError', message: 'Failed to fetch.' };
    store.getState().loadRetrying({ attempt: 2, of: 3, at: Date.now() + 2000, error: network });
    const stop = vi.fn(async () => {});
    render(
      <StoreContext.Provider value={store}>
        <ServicesContext.Provider
          value={{ bridge: { stop } as unknown as Bridge, store, chat: {} as never, pwa: {} as never }}
        >
          <LoadPanel />
        </ServicesContext.Provider>
      </StoreContext.Provider>,
    );
    expect(screen.getByRole('status').textContent).toBe(
      'NetworkError: Failed to fetch. Retrying in 2 s (attempt 2 of 3)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(stop).toHaveBeenCalled();
  });
});
