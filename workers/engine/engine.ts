import type {
  EngineApi,
  EngineState,
  EngineStatus,
  GenerateRequest,
  LoadProgress,
  LoadResult,
  ModelSpec,
  PeerRunResult,
  StorageReport,
  StreamEvent,
} from '../protocol';
import { EngineError, toEngineError } from './errors';
import { EventChannel } from './event-channel';
import { GenerationControl } from './generation-control';
import { GenerationClock } from './generation-stats';
import { validateCacheOptions } from './cache-options';
import { runGeneration, type Counters } from './generation';
import { GpuLossWatch, isGpuLoss } from './gpu-loss';
import { addWarmupAnswers, warmUpAnswers } from './warmup-answers';
import { coldCompileUntil, resourceEntries } from './cold-compile';
import { GeneratedIds } from './generated-ids';
import { GrammarService } from './grammar/grammar-service';
import { KeptCache } from './kept-cache';
import { loadModel, type LoadedModel } from './loader';
import * as modelCache from './model-cache';
import { runPeerGeneration } from './peer';
import { planPrompt } from './prompt-plan';
import { SpeculationPolicy } from './speculation';
import { validateRequest } from './validate';

/** Events the consumer may leave unread before the decode loop waits. */
export const STREAM_HIGH_WATER_MARK = 8;

interface ActiveGeneration {
  control: GenerationControl;
  channel: EventChannel;
  finished: Promise<void>;
}

/**
 * The engine's state machine: one model, at most one load and one generation
 * at a time. Every method may be called in any state; the wrong state is a
 * named error, never a hang.
 */
export class Engine implements EngineApi {
  private loaded: LoadedModel | null = null;
  private loading: AbortController | null = null;
  private loadSettled: Promise<void> = Promise.resolve();
  private active: ActiveGeneration | null = null;
  private readonly counters: Counters = { forwardPasses: 0, forwardMs: 0, kvTruncations: 0, kvTruncateMs: 0 };
  /** The KV cache of the last generation, kept for prefix reuse by the next one. */
  private readonly kept = new KeptCache(this.counters);
  /** Recent answers' ids by text, for callers that send a chat back as text alone. */
  private readonly generatedIds = new GeneratedIds();
  /** Measured cost and yield of speculation on the loaded model; reset with it. */
  private speculation = new SpeculationPolicy();
  /** web-xgrammar for structured output, per loaded tokenizer. */
  private readonly grammar = new GrammarService();
  private requestCount = 0;
  /** The device the loaded WebGPU model runs on; null on WASM. */
  private gpuWatch: GpuLossWatch | null = null;
  /** Set once a GPU device was lost: every later load in this worker stays on WASM. */
  private gpuLost = false;

  private get state(): EngineState {
    if (this.loading) return 'loading';
    if (this.active) return this.active.control.paused ? 'paused' : 'generating';
    return this.loaded ? 'ready' : 'idle';
  }

  async load(requested: ModelSpec, onProgress?: (progress: LoadProgress) => void): Promise<LoadResult> {
    const spec = this.gpuLost ? { ...requested, gpuLost: true } : requested;
    // The newest request wins: a user who picks another model mid-download means "load this instead". Loads run
    // one after another (each waits for the one before it to settle), and a load superseded before its turn never
    // starts, so any number of overlapping calls end with exactly the last one loaded, and no two loads ever
    // share transformers.js's globals (env.fetch, env.remoteHost) or hold a model at the same time.
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    const previous = this.loadSettled;
    const attempt = (async () => {
      await previous;
      if (controller.signal.aborted) throw new EngineError('LoadCancelled', 'A newer load replaced this one.');
      await this.stopGeneration();
      // The old model goes before the new one's weights are fetched (two models at once can exhaust GPU or WASM
      // memory), and not before: a load that fails or is cancelled earlier (a wrong URL, a missing file, a dtype
      // that cannot run, no quota) leaves it loaded and usable.
      const loaded = await loadModel(
        spec,
        controller.signal,
        (p) => onProgress?.(p),
        () => this.unloadModel(),
      );
      if (controller.signal.aborted) {
        await loaded.model.dispose();
        throw new EngineError('LoadCancelled', 'A newer load replaced this one.');
      }
      this.loaded = loaded;
      this.gpuWatch = loaded.info.backend === 'webgpu' ? await GpuLossWatch.forOrt() : null;
      // Still "Warming up": a few discarded answers through the request path itself (see warmup-answers.ts).
      const answers = await warmUpAnswers({
        generate: async (r) => {
          await this.active?.finished;
          return this.startGeneration(r, true);
        },
        forward: () => ({ passes: this.counters.forwardPasses, ms: this.counters.forwardMs }),
        settledPassMs: loaded.info.warmup?.bestPassMs ?? NaN,
        signal: controller.signal,
        // WASM only: on WebGPU the passes run on the GPU, and SwiftShader's would stretch the wait to its cap.
        until: loaded.info.backend === 'wasm' ? coldCompileUntil(resourceEntries()) : null,
      });
      await this.active?.finished;
      // Nothing of the warm-up stays: no kept cache, no remembered ids, no speculation estimates.
      await this.kept.free();
      this.generatedIds.clear();
      this.speculation = new SpeculationPolicy();
      addWarmupAnswers(loaded.info, answers);
      if (controller.signal.aborted) {
        await this.unloadModel();
        throw new EngineError('LoadCancelled', 'A newer load replaced this one.');
      }
      return loaded.info;
    })();
    this.loadSettled = attempt.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await attempt;
    } finally {
      if (this.loading === controller) this.loading = null;
    }
  }

  async unload(): Promise<void> {
    await this.stop();
    await this.unloadModel();
  }

  private async unloadModel(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    this.gpuWatch = null;
    // The cache first: its tensors belong to the model's session.
    await this.kept.free();
    this.generatedIds.clear();
    this.grammar.reset();
    this.speculation = new SpeculationPolicy();
    await loaded?.model.dispose();
  }

  async generate(request: GenerateRequest): Promise<ReadableStream<StreamEvent>> {
    return this.startGeneration(request, false);
  }

  /** `duringLoad`: the load's own warm-up answers, on the model it has just set (callers wait for the load). */
  private async startGeneration(request: GenerateRequest, duringLoad: boolean): Promise<ReadableStream<StreamEvent>> {
    const { loaded, valid, options, prompt } = await this.prepare(request, duringLoad);
    const constraint = await this.grammar.constraintFor(
      { tokenizer: loaded.tokenizer, eosTokenIds: loaded.eosTokenIds, vocabSize: loaded.info.vocabSize },
      request,
    );
    // Compiling a grammar awaits: another request or a model switch may have come in meanwhile.
    if (!duringLoad && (this.active || this.loaded !== loaded)) {
      constraint?.dispose();
      throw new EngineError('EngineBusy', 'A generation is already running. Stop it before starting another.');
    }
    const requestId = request.requestId ?? (duringLoad ? 'warm-up' : `gen-${++this.requestCount}`);

    const control = new GenerationControl();
    const channel = new EventChannel(STREAM_HIGH_WATER_MARK, () => control.stop());
    const clock = new GenerationClock(prompt.promptIds.length, prompt.maxTokens);
    const active: ActiveGeneration = { control, channel, finished: Promise.resolve() };
    // Taken inside the run (its truncation may await the GPU), with `active` already set so a second request is busy.
    active.finished = (async () => {
      let taken: Awaited<ReturnType<KeptCache['take']>>;
      try {
        taken = await this.kept.take(loaded.model, prompt.promptIds, prompt.evicted);
      } catch (error) {
        constraint?.dispose();
        const named = toEngineError(error, 'GenerationError', 'The KV cache could not be prepared');
        channel.send({ type: 'error', name: named.name, message: named.message });
        channel.close();
        return;
      }
      const { cache, use, feed } = taken;
      const plan = {
        cache,
        promptIds: prompt.promptIds,
        feed,
        use,
        maxTokens: prompt.maxTokens,
        speculation: this.speculation,
        speculative: options.speculative,
        constraint,
        interrupt: this.gpuWatch?.signal,
        isGpuLoss: async (error: unknown) => loaded.info.backend === 'webgpu' && isGpuLoss(error, this.gpuWatch),
      };
      const result = await runGeneration(loaded, valid, plan, requestId, channel, control, clock);
      if (result.gpuLost) return this.dropLostGpuModel(loaded);
      // A model unloaded meanwhile took its cache's memory with it: nothing to keep then.
      if (!result.keep || this.loaded !== loaded) return cache.dispose();
      if (valid.messages) this.generatedIds.remember(result.text, result.tokenIds);
      return this.kept.keep(cache, options.keepCacheMs);
    })().finally(() => {
      if (this.active === active) this.active = null;
    });
    this.active = active;
    return channel.stream;
  }

  /**
   * The WebGPU device went away under a run. The model is unusable, and ORT's WebGPU state in this WASM instance
   * with it (a WASM session created here afterwards still failed on the lost device's buffers), so the page
   * starts a fresh worker and loads the model there on WASM (bridge.ts). Later loads in this worker stay off
   * WebGPU too.
   */
  private async dropLostGpuModel(loaded: LoadedModel): Promise<void> {
    this.gpuLost = true;
    if (this.loaded === loaded) await this.unloadModel().catch(() => undefined);
  }

  async pause(): Promise<void> {
    this.active?.control.pause();
  }

  async resume(): Promise<void> {
    this.active?.control.resume();
  }

  async stop(): Promise<void> {
    this.loading?.abort();
    await this.stopGeneration();
  }

  /** Ends the running generation (not a load). */
  private async stopGeneration(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.control.stop();
    active.channel.interrupt();
    await active.finished;
  }

  async status(): Promise<EngineStatus> {
    return {
      state: this.state,
      model: this.loaded?.info ?? null,
      forwardPasses: this.counters.forwardPasses,
      forwardMs: this.counters.forwardMs,
      kvTruncations: this.counters.kvTruncations,
      kvTruncateMs: this.counters.kvTruncateMs,
      queuedEvents: this.active?.channel.queued ?? 0,
      kvCache: this.kept.describe(),
    };
  }

  async storage(): Promise<StorageReport> {
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    const persisted = await navigator.storage?.persisted?.().catch(() => null);
    return {
      models: await modelCache.listCachedModels(),
      usage: estimate?.usage ?? null,
      quota: estimate?.quota ?? null,
      persisted: persisted ?? null,
    };
  }

  async deleteCachedModel(key: string): Promise<void> {
    // Unload first: the session may still read its weights while they are deleted.
    if (this.loaded?.cacheKey === key) await this.unload();
    await modelCache.deleteCachedModel(key);
  }

  async clearCache(): Promise<void> {
    if (this.loaded?.cacheKey) await this.unload();
    await modelCache.clearModelCache();
  }

  async peerGenerate(request: GenerateRequest): Promise<PeerRunResult> {
    const { loaded, valid, prompt } = await this.prepare(request);
    return runPeerGeneration(loaded, prompt.promptIds, prompt.maxTokens, valid.repetitionPenalty, this.counters);
  }

  /** Checks the state and the request, and tokenizes the prompt: everything that can fail before a stream exists. */
  private async prepare(request: GenerateRequest, duringLoad = false) {
    if (this.loading && !duringLoad)
      throw new EngineError('ModelNotLoaded', 'The model is still loading. Wait for it to be ready, then send again.');
    // A stopped or cancelled run may still be finishing its last pass: let it, then take the new request.
    if (this.active?.control.stopped) await this.active.finished;
    const loaded = this.loaded;
    if (!loaded) throw new EngineError('ModelNotLoaded', 'No model is loaded. Load a model first.');
    if (this.active)
      throw new EngineError('EngineBusy', 'A generation is already running. Stop it before starting another.');
    const valid = validateRequest(request, loaded.info.vocabSize);
    const options = validateCacheOptions(request, loaded.info.vocabSize);
    const contextLength = Math.min(loaded.info.contextLength, options.contextLimit ?? Infinity);
    const messages = valid.messages && this.generatedIds.fill(valid.messages);
    const prompt = planPrompt(
      loaded.tokenizer,
      { ...valid, messages, tools: request.tools },
      valid.maxTokens,
      contextLength,
    );
    if (valid.continueIds.length > 0) {
      // The answer so far follows the prompt (the chat template's generation prompt included) and is prefilled.
      prompt.promptIds = [...prompt.promptIds, ...valid.continueIds];
      prompt.maxTokens = Math.max(1, Math.min(prompt.maxTokens, contextLength - prompt.promptIds.length));
    }
    return { loaded, valid, options, prompt };
  }
}
