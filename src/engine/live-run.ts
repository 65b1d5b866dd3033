import type { GenerationState } from '../state/generation-slice';
import { BlockSplitter } from '../state/blocks';
import { DisplayPipeline } from '../streams/display-pipeline';
import type { StreamContext } from '../streams/event-log';
import type { GenerationOutcome } from './bridge-types';

/** What the bridge keeps about the generation it is streaming, between two store updates. */
export interface LiveRun {
  context: StreamContext;
  display: DisplayPipeline;
  /** Active (unpaused) ms from the latest stats, for chars/s. */
  activeMs: number | null;
  analysisChanged: boolean;
  pendingText: string[];
  pendingPatch: Partial<GenerationState>;
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
