// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GenerationStats } from '../../workers/protocol';
import { StoreContext } from '../state/hooks';
import { createAppStore } from '../state/store';
import { StatsPanel } from './StatsPanel';

// The analysis figures and export buttons have their own tests; they need the app's services.
vi.mock('./AnalysisPanel', () => ({ AnalysisPanel: () => null }));

afterEach(cleanup);

const stats = (extra: Partial<GenerationStats>): GenerationStats => ({
  promptTokens: 10,
  tokens: 40,
  maxTokens: 100,
  ttftMs: 5,
  prefillTokPerS: 2000,
  decodeTokPerS: 300,
  averageDecodeTokPerS: 250,
  elapsedMs: 160,
  pausedMs: 0,
  etaMs: 240,
  ...extra,
});

function mount() {
  const store = createAppStore();
  store.getState().generationStarted('r1', 'chat');
  render(
    <StoreContext.Provider value={store}>
      <StatsPanel />
    </StoreContext.Provider>,
  );
  return store;
}

describe('StatsPanel', () => {
  it('shows the recent rate while a run goes and its average once it is over', () => {
    const store = mount();
    act(() => store.getState().generationPatched({ status: 'generating', stats: stats({}) }));
    expect(document.querySelector('.gen-progress span')?.textContent).toMatch(/^40 \/ 100 tokens · /);
    expect(document.querySelector('[data-stat="decode"]')?.textContent).toBe('300 tok/s');
    act(() => store.getState().generationFinished('length', 'text', stats({ tokens: 100 })));
    expect(document.querySelector('[data-stat="decode"]')?.textContent).toBe('250 tok/s');
  });

  it('draws the speed line from two points on, and says there is not enough data before', () => {
    const store = mount();
    act(() => store.getState().generationPatched({ status: 'generating', stats: stats({}), rateHistory: [300] }));
    const empty = screen.getByRole('img', { name: 'Decode speed: not enough data yet' });
    expect(empty.textContent).toBe('—');
    act(() => store.getState().generationPatched({ rateHistory: [300, 320, 310] }));
    const line = screen.getByRole('img', { name: 'Decode speed over this run, peak 320 tok/s' });
    expect(line.querySelector('path')?.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ L/);
  });
});
