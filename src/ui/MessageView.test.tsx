// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreContext } from '../state/hooks';
import { createAppStore } from '../state/store';
import { BlockSplitter } from '../streams/blocks';
import { LiveMessage } from './MessageView';

const parsed: string[] = [];
vi.mock('./markdown', () => ({
  renderMarkdown: (source: string) => {
    parsed.push(source);
    return `<p>${source.replace(/</g, '&lt;')}</p>`;
  },
}));

afterEach(() => {
  cleanup();
  parsed.length = 0;
});

describe('LiveMessage', () => {
  it('parses each finished block once and never the growing tail, which is plain text', () => {
    const store = createAppStore();
    store.getState().generationStarted('r1', 'chat');
    const view = render(
      <StoreContext.Provider value={store}>
        <LiveMessage entry={{ id: 'a', role: 'assistant', content: '', status: 'streaming' }} />
      </StoreContext.Provider>,
    );
    const splitter = new BlockSplitter();
    const frame = (chunk: string) =>
      act(() => {
        const grew = splitter.append(chunk);
        store.getState().generationPatched({
          status: 'generating',
          tail: splitter.tail,
          ...(grew ? { blocks: [...splitter.blocks] } : {}),
        });
      });

    frame('First paragraph');
    frame(' continues.\n\nSecond');
    for (const word of [' grows', ' and', ' grows', ' more.']) frame(word);

    expect(parsed.filter((s) => s === 'First paragraph continues.\n')).toHaveLength(1);
    // The tail is never parsed while it grows: it is a text node until its block completes.
    expect(parsed.filter((s) => s.startsWith('Second'))).toHaveLength(0);
    expect(view.container.querySelector('.md-tail')?.textContent).toBe('Second grows and grows more.');
    expect(view.container.querySelector('.md-tail')?.children).toHaveLength(0);
    expect(view.container.querySelector('article')?.dataset.status).toBe('streaming');

    act(() => store.getState().generationPatched({ status: 'paused' }));
    expect(view.getByText('Paused')).toBeTruthy();
    expect(view.container.querySelector('.is-paused')).not.toBeNull();
  });
});
