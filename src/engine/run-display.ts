import type { StreamEvent } from '../../workers/protocol';
import type { BridgeEvent, GenerationFrame, GenerationOutcome } from './bridge-types';
import type { createFrameScheduler } from './frame-scheduler';
import type { LiveRun } from './live-run';
import { appendBounded } from './load-speed';

export interface RunDisplayDeps {
  emit: (event: BridgeEvent) => void;
  now: () => number;
  frames: ReturnType<typeof createFrameScheduler>;
  /** Sparkline resolution: decode-rate samples kept over a whole run. */
  maxRatePoints: number;
}

/**
 * The live run's side of the bridge: stream events gather into the run, and each paced frame emits
 * what changed as one `generation-frame` (so rendering cost does not grow with the token rate).
 * Text is split into thinking and answer, paced and filtered, and cut into finished blocks here.
 */
export function createRunDisplay({ emit, now, frames, maxRatePoints }: RunDisplayDeps) {
  function flush(run: LiveRun): void {
    const frame = run.pendingPatch;
    run.pendingPatch = {};
    if (run.pendingText.length > 0) {
      const chunk = run.pendingText.join('');
      run.pendingText.length = 0;
      run.text += chunk;
      const answer = run.thinking.push(chunk);
      run.answer += answer;
      run.display.push(answer);
      // The analysis follows the stats events (4 Hz), not every frame: its panel is a figure, not the text.
      frame.text = run.text;
      frame.answer = run.answer;
      frame.tokens = run.tokens;
      const thinking = run.thinking.take();
      if (thinking) frame.thinking = thinking;
    }
    // Pause freezes the paced display too; the rest shows on resume, or at once on stop/done.
    const shown = run.paused ? '' : run.display.release(now());
    if (shown) show(run, shown, frame);
    if (run.display.waiting > 0 && !run.paused) frames.request();
    if (run.analysisChanged) {
      frame.analysis = run.display.analysis(run.activeMs);
      run.analysisChanged = false;
    }
    if (run.ratesChanged) {
      frame.rateHistory = [...run.rates];
      run.ratesChanged = false;
    }
    if (Object.keys(frame).length > 0) emit({ type: 'generation-frame', frame });
  }

  function show(run: LiveRun, text: string, frame: GenerationFrame): void {
    if (run.splitter.append(text)) frame.blocks = [...run.splitter.blocks];
    frame.tail = run.splitter.tail;
  }

  /** The run ended: pacing and the filters' hold-back end too, and everything received has been emitted. */
  function finishDisplay(run: LiveRun): void {
    frames.flushNow();
    const held = run.thinking.flush();
    if (held) {
      run.answer += held;
      run.display.push(held);
      run.pendingPatch.answer = run.answer;
    }
    const thinking = run.thinking.take();
    if (thinking) run.pendingPatch.thinking = thinking;
    const rest = run.display.finish();
    if (rest) show(run, rest, run.pendingPatch);
    frames.flushNow();
  }

  function handle(run: LiveRun, event: StreamEvent): GenerationOutcome | null {
    switch (event.type) {
      case 'start':
        Object.assign(run.pendingPatch, {
          status: 'generating',
          promptTokens: event.promptTokens,
          maxTokens: event.maxTokens,
        });
        break;
      case 'token':
        run.pendingText.push(event.text);
        run.tokens = event.index + 1;
        break;
      case 'paused':
        run.paused = true;
        run.pendingPatch.status = 'paused';
        break;
      case 'resumed':
        run.paused = false;
        run.pendingPatch.status = 'generating';
        break;
      case 'stats':
        run.pendingPatch.stats = event.stats;
        run.stats = event.stats;
        run.activeMs = event.stats.elapsedMs;
        run.analysisChanged = true;
        if (event.stats.decodeTokPerS !== null) {
          run.rates = appendBounded(run.rates, event.stats.decodeTokPerS, maxRatePoints);
          run.ratesChanged = true;
        }
        break;
      case 'done':
        run.activeMs = event.stats.elapsedMs;
        run.analysisChanged = true;
        finishDisplay(run);
        emit({ type: 'generation-finished', reason: event.reason, text: event.text, stats: event.stats });
        return { reason: event.reason, text: event.text, stats: event.stats, error: null };
      case 'error': {
        finishDisplay(run);
        const error = { name: event.name, message: event.message };
        emit({ type: 'generation-failed', error });
        return { reason: 'error', text: run.text, stats: run.stats, error };
      }
    }
    frames.request();
    return null;
  }

  return { flush, show, finishDisplay, handle };
}
