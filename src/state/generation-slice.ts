import type { ErrorName } from '../../common/error-names';
import type { FinishReason, GenerationStats } from '../../workers/protocol';
import type { GenerationFrame, GenerationStatus } from '../engine/bridge-types';
import type { TextAnalysis } from '../streams/analysis';
import type { ThinkingView } from '../streams/thinking-display';
import type { SliceCreator } from './store-types';

export type { GenerationStatus };

/** The one generation that is streaming (or last streamed). Written from bridge frames, at most once per frame. */
export interface GenerationState {
  status: GenerationStatus;
  requestId: string | null;
  /** Who started it ("chat", "embed", ...): lets several views share one engine. */
  owner: string | null;
  text: string;
  /** `text` without a reasoning model's thinking: what the answer view, JSON view and announcer read. */
  answer: string;
  /** The Thinking section of a reasoning model's answer (null when it writes none). */
  thinking: ThinkingView | null;
  /** Finished markdown blocks: append-only, the array only changes when a block completes. */
  blocks: readonly string[];
  /** The growing, unfinished block. */
  tail: string;
  tokens: number;
  promptTokens: number;
  maxTokens: number;
  stats: GenerationStats | null;
  /** Decode tok/s samples over the run, for the sparkline. */
  rateHistory: readonly number[];
  /** Live analysis of the raw text (words, sentences, chars/s), updated once per frame. */
  analysis: TextAnalysis | null;
  finishReason: FinishReason | null;
  error: { name: ErrorName | string; message: string } | null;
}

export interface GenerationSlice {
  generation: GenerationState;
  generationStarted(requestId: string, owner: string | null): void;
  /** One frame's worth of stream events, merged by the bridge. */
  generationPatched(patch: GenerationFrame | Partial<GenerationState>): void;
  generationFinished(reason: FinishReason, text: string, stats: GenerationStats): void;
  generationFailed(error: { name: string; message: string }): void;
}

export const initialGenerationState: GenerationState = {
  status: 'idle',
  requestId: null,
  owner: null,
  text: '',
  answer: '',
  thinking: null,
  blocks: [],
  tail: '',
  tokens: 0,
  promptTokens: 0,
  maxTokens: 0,
  stats: null,
  rateHistory: [],
  analysis: null,
  finishReason: null,
  error: null,
};

export const isGenerating = (status: GenerationStatus): boolean =>
  status === 'starting' || status === 'generating' || status === 'paused';

export const createGenerationSlice: SliceCreator<GenerationSlice> = (set) => ({
  generation: initialGenerationState,
  generationStarted: (requestId, owner) =>
    set({ generation: { ...initialGenerationState, status: 'starting', requestId, owner } }),
  generationPatched: (patch) => set((s) => ({ generation: { ...s.generation, ...patch } })),
  generationFinished: (reason, text, stats) =>
    set((s) => ({
      generation: { ...s.generation, status: 'done', finishReason: reason, text, stats, tokens: stats.tokens },
    })),
  generationFailed: (error) => set((s) => ({ generation: { ...s.generation, status: 'error', error } })),
});
