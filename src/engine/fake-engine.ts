import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import { fakeStructuredText, pieces } from './fake-structured';
import type {
  EngineApi,
  EngineStatus,
  GenerateRequest,
  GenerationStats,
  LoadProgress,
  LoadResult,
  ModelSpec,
  PeerRunResult,
  StorageReport,
  StreamEvent,
} from '../../workers/protocol';

export interface FakeEngineOptions {
  /** Milliseconds between tokens. */
  tokenIntervalMs?: number;
  /** Milliseconds per load phase. */
  loadStepMs?: number;
  /** Token texts, cycled: token i is `words[i % words.length]`. */
  words?: readonly string[];
  /** Exact token texts for every generation, in order; the run ends (eos) after the last one. Overrides `words`. */
  script?: readonly string[];
  /** Makes `load()` reject with this named error. */
  loadError?: { name: string; message: string };
  /** With `loadError`: only the first this-many loads fail (a flaky network that recovers). */
  loadFailures?: number;
  /** Specs whose files are not there: their load fails with ModelFileMissing before the weights, keeping the model. */
  missing?: (spec: ModelSpec) => boolean;
  /** Specs whose weights are damaged: their load fails with IntegrityError once the model before was let go. */
  corrupt?: (spec: ModelSpec) => boolean;
  /** Makes `generate()` reject with this named error. */
  generateError?: { name: string; message: string };
  statsEvery?: number;
}

function named(e: { name: string; message: string }): Error {
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

/** The engine's checks that UI tests rely on (workers/engine/validate.ts has all of them). */
function invalidParams(request: GenerateRequest): string | null {
  const { maxTokens, topP } = request;
  if (
    maxTokens !== undefined &&
    (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > SAMPLING_LIMITS.maxTokens)
  )
    return `maxTokens must be an integer from 1 to ${SAMPLING_LIMITS.maxTokens} (got ${maxTokens}). Lower max tokens.`;
  if (topP !== undefined && !(topP > 0 && topP <= 1))
    return `topP must be greater than 0 and at most 1 (got ${topP}). Use 1 to disable top-p.`;
  // The fake has no chat template, so `enableThinking` changes nothing; a wrong type fails as in the real engine.
  if (request.enableThinking !== undefined && typeof request.enableThinking !== 'boolean')
    return `enableThinking must be true or false (got ${String(request.enableThinking)}). Leave it out for the template default.`;
  return null;
}

const DEFAULT_WORDS = ['Hello', ' world', '.', ' This', ' is', ' a', ' fake', ' model', '.', '\n\n'];

/**
 * An in-thread EngineApi for UI tests: deterministic tokens on timers, a real
 * pause (no tokens while paused), stop ending with done{stopped}, and load
 * progress through every phase. Timers make it work with fake clocks.
 * It follows the real engine's contract, which src/engine/engine-behaviour.ts
 * checks against both: the newest load wins, and `paused` lands between tokens.
 */
export class FakeEngine implements EngineApi {
  readonly calls: { method: string; arg?: unknown }[] = [];
  private state: EngineStatus['state'] = 'idle';
  private model: LoadResult | null = null;
  private paused = false;
  private stopped = false;
  private loadAbort: (() => void) | null = null;
  private loadSettled: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private forwardPasses = 0;
  private loadAttempts = 0;

  constructor(private readonly options: FakeEngineOptions = {}) {}

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async load(spec: ModelSpec, onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
    this.calls.push({ method: 'load', arg: spec });
    // The newest request wins, as in the real engine: the older load ends with LoadCancelled.
    // The cancel hook exists from the first moment, so a stop() right after load() cancels it.
    const older = this.loadAbort ? this.loadSettled : null;
    this.loadAbort?.();
    let cancelled = false;
    this.loadAbort = () => (cancelled = true);
    let settle: () => void = () => {};
    this.loadSettled = new Promise<void>((resolve) => (settle = resolve));
    const mine = this.loadAbort;
    const step = this.options.loadStepMs ?? 10;
    const total = 1000;
    try {
      await older;
      await this.stopGeneration();
      this.state = 'loading';
      // As in the real engine, the model before stays until the weights would be fetched: the files are
      // checked first, and a load that fails or is cancelled by then leaves it loaded.
      await this.sleep(step);
      if (cancelled) throw named({ name: 'LoadCancelled', message: 'Loading was cancelled.' });
      if (this.options.missing?.(spec))
        throw named({ name: 'ModelFileMissing', message: 'The model has no config.json (status 404).' });
      this.model = null;
      const phases: LoadProgress['phase'][] = ['download', 'download', 'compile', 'warmup'];
      for (const [i, phase] of phases.entries()) {
        await this.sleep(step);
        if (cancelled) throw named({ name: 'LoadCancelled', message: 'Loading was cancelled.' });
        const loaded = Math.min(total, (i + 1) * 500);
        onProgress?.({ phase, files: [], loaded, total, elapsedMs: (i + 1) * step });
      }
      if (this.options.corrupt?.(spec))
        throw named({ name: 'IntegrityError', message: 'onnx/model.onnx does not match its published sha256.' });
      const { loadError, loadFailures } = this.options;
      if (loadError && (loadFailures === undefined || this.loadAttempts++ < loadFailures)) throw named(loadError);
      this.model = {
        modelId: spec.source.kind === 'hub' ? spec.source.id : 'fake',
        backend: 'wasm',
        backendReason: 'no WebGPU adapter',
        fellBack: false,
        dtype: 'fp32',
        dtypeReason: 'fp32 · as requested',
        threads: 1,
        threadsReason: 'not cross-origin isolated',
        contextLength: 4096,
        vocabSize: 1024,
        adapter: null,
        randomWeights: true,
        bytes: total,
        fromCache: false,
        loadMs: step * phases.length,
        files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'],
      };
      this.state = 'ready';
      return this.model;
    } catch (error) {
      if (this.loadAbort === mine) this.state = this.model ? 'ready' : 'idle';
      throw error;
    } finally {
      if (this.loadAbort === mine) this.loadAbort = null;
      settle();
    }
  }

  async unload(): Promise<void> {
    this.model = null;
    this.state = 'idle';
  }

  async generate(request: GenerateRequest): Promise<ReadableStream<StreamEvent>> {
    this.calls.push({ method: 'generate', arg: request });
    if (!this.model) throw named({ name: 'ModelNotLoaded', message: 'No model is loaded. Load a model first.' });
    if (this.state === 'generating' || this.state === 'paused')
      throw named({ name: 'EngineBusy', message: 'A generation is already running.' });
    if (this.options.generateError) throw named(this.options.generateError);
    const invalid = invalidParams(request);
    if (invalid) throw named({ name: 'InvalidParams', message: invalid });
    // Structured output: a valid answer for the schema, checked and laid out as the real engine does.
    const structured = fakeStructuredText(request);
    const script = structured === null ? this.options.script : pieces(structured);
    const maxTokens = script ? Math.min(script.length, request.maxTokens ?? script.length) : (request.maxTokens ?? 256);
    const words = script ?? this.options.words ?? DEFAULT_WORDS;
    const interval = this.options.tokenIntervalMs ?? 5;
    const statsEvery = this.options.statsEvery ?? 4;
    this.state = 'generating';
    this.paused = false;
    this.stopped = false;
    let text = '';
    const stats = (tokens: number): GenerationStats => ({
      promptTokens: 10,
      tokens,
      maxTokens,
      ttftMs: interval,
      prefillTokPerS: 1000,
      decodeTokPerS: 1000 / interval,
      averageDecodeTokPerS: 1000 / interval,
      elapsedMs: tokens * interval,
      pausedMs: 0,
      etaMs: (maxTokens - tokens) * interval,
    });
    const run = async (controller: ReadableStreamDefaultController<StreamEvent>) => {
      controller.enqueue({
        type: 'start',
        requestId: request.requestId ?? 'fake-1',
        promptTokens: 10,
        maxTokens,
        timestamp: Date.now(),
        // No KV cache in the fake: every prompt is prefilled whole.
        reusedTokens: 0,
        prefilledTokens: 10,
        evictedMessages: 0,
        reuseMiss: 'no-cache',
      });
      const ids: number[] = [];
      let index = 0;
      let reason: 'length' | 'stopped' | 'eos' = script && maxTokens === script.length ? 'eos' : 'length';
      for (; index < maxTokens; index++) {
        if (this.paused && !this.stopped) {
          // Announced here, between tokens, as the real decode loop does: no token follows `paused`, and
          // stats counting every token before it come first.
          controller.enqueue({ type: 'stats', stats: stats(index) });
          controller.enqueue({ type: 'paused', timestamp: Date.now() });
          while (this.paused && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
          if (!this.stopped) controller.enqueue({ type: 'resumed', timestamp: Date.now() });
        }
        if (this.stopped) {
          reason = 'stopped';
          break;
        }
        await this.sleep(interval);
        if (this.stopped) {
          reason = 'stopped';
          break;
        }
        this.forwardPasses++;
        const piece = words[index % words.length] ?? '';
        text += piece;
        ids.push(index % words.length);
        controller.enqueue({ type: 'token', id: index % words.length, text: piece, index, timestamp: Date.now() });
        if ((index + 1) % statsEvery === 0) controller.enqueue({ type: 'stats', stats: stats(index + 1) });
      }
      this.state = this.model ? 'ready' : 'idle';
      controller.enqueue({ type: 'done', reason, text, stats: stats(index), tokenIds: ids });
      controller.close();
    };
    let finished: () => void = () => {};
    this.generationSettled = new Promise<void>((resolve) => (finished = resolve));
    return new ReadableStream<StreamEvent>({
      start: (controller) => void run(controller).finally(finished),
    });
  }

  private generationSettled: Promise<void> = Promise.resolve();

  private async stopGeneration(): Promise<void> {
    if (this.state !== 'generating' && this.state !== 'paused') return;
    this.stopped = true;
    this.paused = false;
    this.wake?.();
    await this.generationSettled;
  }

  async pause(): Promise<void> {
    this.calls.push({ method: 'pause' });
    if (this.state !== 'generating') return;
    this.paused = true;
    this.state = 'paused';
  }

  async resume(): Promise<void> {
    this.calls.push({ method: 'resume' });
    if (this.state !== 'paused') return;
    this.paused = false;
    this.state = 'generating';
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.calls.push({ method: 'stop' });
    this.loadAbort?.();
    this.stopped = true;
    this.paused = false;
    this.wake?.();
  }

  async status(): Promise<EngineStatus> {
    return { state: this.state, model: this.model, forwardPasses: this.forwardPasses, forwardMs: 0, queuedEvents: 0 };
  }

  async storage(): Promise<StorageReport> {
    return { models: [], usage: 0, quota: null, persisted: null };
  }

  async deleteCachedModel(): Promise<void> {}

  async clearCache(): Promise<void> {}

  async peerGenerate(): Promise<PeerRunResult> {
    return { tokenIds: [], text: '', ttftMs: 0, decodeTokPerS: 0, totalMs: 0 };
  }
}
