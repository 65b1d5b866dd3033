import { BlockSplitter } from '../streams/blocks';
import { DisplayPipeline } from '../streams/display-pipeline';
import { ThinkingDisplay } from '../streams/thinking-display';
import type { StreamContext } from '../streams/event-log';
import type { GenerationStats } from '../../workers/protocol';
import type { GenerationFrame, GenerationOutcome } from './bridge-types';

/** What the bridge keeps about the generation it is streaming, between two store updates. */
export interface LiveRun {
  context: StreamContext;
  display: DisplayPipeline;
  /** Takes a reasoning model's `<think>…</think>` out of the raw text before the answer's display. */
  thinking: ThinkingDisplay;
  /** The raw text without the thinking (what the answer's display, JSON view and analysis read). */
  answer: string;
  /** Active (unpaused) ms from the latest stats, for chars/s. */
  activeMs: number | null;
  analysisChanged: boolean;
  pendingText: string[];
  pendingPatch: GenerationFrame;
  /** The latest stats event, for the outcome of a run that fails midway. */
  stats: GenerationStats | null;
  text: string;
  tokens: number;
  rates: number[];
  ratesChanged: boolean;
  splitter: BlockSplitter;
  stopRequested: boolean;
  /** From the stream's paused/resumed events, ahead of the store (which updates per frame). */
  paused: boolean;
  finished: Promise<GenerationOutcome>;
}

export function createLiveRun(
  context: StreamContext,
  settings: ConstructorParameters<typeof DisplayPipeline>[0],
): LiveRun {
  return {
    context,
    display: new DisplayPipeline(settings),
    thinking: new ThinkingDisplay(settings),
    answer: '',
    activeMs: null,
    analysisChanged: false,
    pendingText: [],
    pendingPatch: {},
    stats: null,
    text: '',
    tokens: 0,
    rates: [],
    ratesChanged: false,
    splitter: new BlockSplitter(),
    stopRequested: false,
    paused: false,
    finished: Promise.resolve(null as unknown as GenerationOutcome),
  };
}
