// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreContext } from '../state/hooks';
import { createAppStore } from '../state/store';
import { BlockSplitter } from '../streams/blocks';
import { CommittedMessage, LiveMessage } from './MessageView';

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

describe('Thinking section', () => {
  const wrap = (ui: React.ReactNode) => {
    const store = createAppStore();
    return render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
  };

  it('a finished answer: the thinking is collapsed under "Thinking", plain text, out of markdown and analysis', () => {
    const content = '<think>\nStep *one*.\n\nStep two.\n</think>\n\n{"answer": 42}';
    const view = wrap(<CommittedMessage entry={{ id: 'a', role: 'assistant', content, status: 'complete' }} />);
    const section = view.getByRole('group', { name: 'Thinking' });
    expect(section.tagName).toBe('DETAILS');
    expect((section as HTMLDetailsElement).open).toBe(false);
    expect(section.textContent).toContain('Step *one*.'); // not markdown-rendered
    expect(parsed.some((s) => s.includes('Step'))).toBe(false);
    expect(parsed.join('')).toBe('{"answer": 42}');
    // The JSON view sees the answer alone, so it parses as complete JSON.
    expect(view.container.querySelector('[data-json-status]')?.getAttribute('data-json-status')).toBe('complete');
    expect(view.getByLabelText('Answer analysis').textContent).toMatch(/^2 words/);
  });

  it('a live answer: the section streams and closes; the answer blocks never hold thinking', () => {
    const store = createAppStore();
    store.getState().generationStarted('r1', 'chat');
    const view = render(
      <StoreContext.Provider value={store}>
        <LiveMessage entry={{ id: 'a', role: 'assistant', content: '', status: 'streaming' }} />
      </StoreContext.Provider>,
    );
    act(() => store.getState().generationPatched({ thinking: { blocks: [], tail: 'Hmm', done: false } }));
    const section = view.getByRole('group', { name: 'Thinking' });
    expect(section.dataset.thinking).toBe('thinking');
    expect(section.textContent).toContain('Hmm');
    act(() =>
      store.getState().generationPatched({ thinking: { blocks: ['Hmm, yes.\n'], tail: '', done: true }, tail: 'Hi' }),
    );
    expect(view.getByRole('group', { name: 'Thinking' }).dataset.thinking).toBe('done');
    expect(parsed.every((s) => !s.includes('Hmm'))).toBe(true);
  });

  it('no thinking, no section', () => {
    const view = wrap(
      <CommittedMessage entry={{ id: 'a', role: 'assistant', content: 'Plain', status: 'complete' }} />,
    );
    expect(view.queryByRole('group', { name: 'Thinking' })).toBeNull();
  });
});
