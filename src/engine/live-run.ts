import { BlockSplitter } from '../streams/blocks';
import { DisplayPipeline } from '../streams/display-pipeline';
import type { StreamContext } from '../streams/event-log';
import type { GenerationStats } from '../../workers/protocol';
import type { GenerationFrame, GenerationOutcome } from './bridge-types';

/** What the bridge keeps about the generation it is streaming, between two store updates. */
export interface LiveRun {
  context: StreamContext;
  display: DisplayPipeline;
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
