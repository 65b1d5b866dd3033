import type { EmbedLoadProgress } from '../embed/protocol';
import type { SliceCreator } from './store-types';

export type WidgetPhase = 'blocked' | 'loading' | 'ready' | 'generating' | 'paused' | 'error';

export interface WidgetModelInfo {
  name: string;
  backend: 'webgpu' | 'wasm';
  threads: number;
  randomWeights: boolean;
}

export interface WidgetStats {
  tokPerS: number | null;
  ttftMs: number | null;
  tokens: number;
}

/** What the compact embed UI shows. Tokens are not here: they go straight to the output view (O(1) per token). */
export interface WidgetState {
  phase: WidgetPhase;
  /** Why the widget cannot run at all (bad URL parameters, sandbox); one line per problem. */
  blocked: string[];
  progress: EmbedLoadProgress | null;
  model: WidgetModelInfo | null;
  stats: WidgetStats | null;
  error: { name: string; message: string } | null;
  activeId: string | null;
  /** Generations started since the page loaded; lets tests prove a refused command changed nothing. */
  generations: number;
}

export const initialWidgetState: WidgetState = {
  phase: 'loading',
  blocked: [],
  progress: null,
  model: null,
  stats: null,
  error: null,
  activeId: null,
  generations: 0,
};

export interface WidgetSlice {
  widget: WidgetState;
  widgetChanged(patch: Partial<WidgetState> | ((widget: WidgetState) => Partial<WidgetState>)): void;
}

export const createWidgetSlice: SliceCreator<WidgetSlice> = (set) => ({
  widget: initialWidgetState,
  widgetChanged: (patch) =>
    set((s) => ({ widget: { ...s.widget, ...(typeof patch === 'function' ? patch(s.widget) : patch) } })),
});
