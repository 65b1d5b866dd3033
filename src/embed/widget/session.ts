import type { Bridge, GenerationOutcome } from '../../engine/bridge';
import type { ChatMessage, GenerateRequest, GenerationStats, StreamEvent } from '../../../workers/protocol';
import type {
  EmbedChatMessage,
  EmbedGenerateOptions,
  HostMessage,
  WidgetMessageType,
  WidgetPayload,
} from '../protocol';
import type { DebugLog } from './refusal-log';
import { isValidModelName, modelSpecFor, type WidgetConfig } from './params';
import type { AppStore } from '../../state/store';
import type { WidgetState, WidgetStats } from '../../state/widget-slice';

/** The part of the page's one engine bridge (src/engine/bridge.ts) that the widget drives. */
export type WidgetBridge = Pick<Bridge, 'load' | 'generate' | 'pause' | 'resume' | 'stop' | 'observe'>;

export interface SessionDeps {
  bridge: WidgetBridge;
  config: WidgetConfig;
  /** The page's one store; the widget writes only its `widget` slice. */
  store: AppStore;
  log: DebugLog;
  post<T extends WidgetMessageType>(type: T, payload: WidgetPayload<T>): void;
}

export type GenerateInput = { prompt: string } | { messages: EmbedChatMessage[] };

/** Tags the widget's runs in the shared app store, so its output view shows only its own generation. */
export const EMBED_OWNER = 'embed';

function toStats(stats: GenerationStats): WidgetStats {
  return {
    tokPerS: stats.decodeTokPerS ?? stats.averageDecodeTokPerS,
    ttftMs: stats.ttftMs,
    tokens: stats.tokens,
    ...(stats.prefilledTokens !== undefined && {
      reusedTokens: stats.reusedTokens ?? 0,
      prefilledTokens: stats.prefilledTokens,
    }),
  };
}

/**
 * One widget's model and generation: runs host commands and the widget's own controls through
 * the page's engine bridge, mirrors protocol state into the store's widget slice, and reports every event
 * to the host. One generation at a time; a second one is answered with EngineBusy, not queued.
 */
export class WidgetSession {
  private loading: Promise<boolean> = Promise.resolve(false);
  private active: string | null = null;
  /** The active generation is still waiting for the model; a host Stop then ends it, never the load. */
  private waitingForModel = false;
  private stoppedBeforeStart = false;
  private localIds = 0;

  constructor(private readonly deps: SessionDeps) {}

  private patch(patch: Partial<WidgetState> | ((widget: WidgetState) => Partial<WidgetState>)): void {
    this.deps.store.getState().widgetChanged(patch);
  }

  /** Loads the configured model, then runs the autostart prompt if there is one. */
  start(): void {
    const { config } = this.deps;
    void this.load(config.model).then((ok) => {
      if (ok && config.autostart && config.prompt) void this.generate(this.nextLocalId(), { prompt: config.prompt });
    });
  }

  handle(command: HostMessage): void {
    switch (command.type) {
      case 'typewriter:generate': {
        const input = command.prompt !== undefined ? { prompt: command.prompt } : { messages: command.messages };
        void this.generate(command.id, input, command.options);
        return;
      }
      case 'typewriter:pause':
      case 'typewriter:resume':
      case 'typewriter:stop': {
        if (command.id !== this.active) {
          const message = `No running generation has id "${command.id}" (running: ${this.active ?? 'none'}).`;
          this.deps.log.record({ kind: 'unknown-request', detail: message });
          this.deps.post('typewriter:error', { id: command.id, name: 'UnknownRequest', message });
          return;
        }
        const action = command.type.slice('typewriter:'.length) as 'pause' | 'resume' | 'stop';
        void this.control(action);
        return;
      }
      case 'typewriter:load':
        void this.load(command.model, command.backend, command.id);
        return;
    }
  }

  /** The widget's own Send button. */
  send(prompt: string): void {
    void this.generate(this.nextLocalId(), { prompt });
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    if (this.active === null) return;
    // The bridge's stop would cancel the model load too; the host meant only its generation.
    if (this.waitingForModel) {
      if (action === 'stop') this.stoppedBeforeStart = true;
      return;
    }
    await this.deps.bridge[action]();
  }

  async load(model: string, backend: 'auto' | 'webgpu' | 'wasm' = 'auto', id?: string): Promise<boolean> {
    const { bridge, config, post } = this.deps;
    if (!isValidModelName(model)) {
      const message = `"${model}" is neither "demo" nor a Hub repo id like HuggingFaceTB/SmolLM2-135M-Instruct.`;
      post('typewriter:error', { ...(id && { id }), name: 'InvalidParams', message });
      return false;
    }
    if (this.active !== null) {
      const message = `Generation "${this.active}" is running; stop it before loading another model.`;
      post('typewriter:error', { ...(id && { id }), name: 'EngineBusy', message });
      return false;
    }
    this.patch({ phase: 'loading', progress: null, model: null, error: null });
    // The bridge paces progress to one event per frame; forward each to the host.
    const unsubscribe = bridge.observe((event) => {
      if (event.type !== 'load-progress') return;
      const p = event.progress;
      const progress = {
        phase: p.phase,
        loaded: p.loaded,
        total: p.total,
        fraction: p.total ? p.loaded / p.total : null,
      };
      this.patch({ progress });
      post('typewriter:progress', progress);
    });
    const run = bridge.load(modelSpecFor(model, config.hubHost, backend), model).then((outcome) => {
      unsubscribe();
      if (!outcome.ok) {
        this.fail(id ?? null, outcome.error);
        return false;
      }
      const { result } = outcome;
      const backend = result.backend;
      // The widget's models are Hub ids and the bundled folder: it never streams from a remote server.
      if (backend === 'remote') return false;
      const info = {
        name: model,
        backend,
        threads: result.threads,
        randomWeights: result.randomWeights,
      };
      this.patch({ phase: 'ready', model: info });
      post('typewriter:ready', {
        model,
        backend,
        threads: result.threads,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
        randomWeights: result.randomWeights,
      });
      return true;
    });
    this.loading = run;
    return run;
  }

  async generate(id: string, input: GenerateInput, options: EmbedGenerateOptions = {}): Promise<void> {
    const { bridge, post } = this.deps;
    if (this.active !== null) {
      const message = `Generation "${this.active}" is still running; wait for typewriter:done or send typewriter:stop.`;
      post('typewriter:error', { id, name: 'EngineBusy', message });
      return;
    }
    this.active = id;
    this.stoppedBeforeStart = false;
    try {
      this.waitingForModel = true;
      const loaded = await this.loading;
      this.waitingForModel = false;
      if (this.stoppedBeforeStart) {
        post('typewriter:done', { id, reason: 'stopped', text: '' });
        return;
      }
      if (!loaded) {
        post('typewriter:error', {
          id,
          name: 'ModelNotLoaded',
          message: 'The model did not load; see the earlier error.',
        });
        return;
      }
      this.patch((s) => ({
        phase: 'generating',
        activeId: id,
        stats: null,
        error: null,
        generations: s.generations + 1,
      }));
      const outcome = await bridge.generate(this.request(id, input, options), {
        owner: EMBED_OWNER,
        onEvent: (event) => this.forward(id, event),
      });
      this.finish(id, outcome);
    } finally {
      this.waitingForModel = false;
      this.active = null;
      this.patch((s) => ({ activeId: null, phase: s.phase === 'error' ? 'error' : 'ready' }));
    }
  }

  get activeId(): string | null {
    return this.active;
  }

  private forward(id: string, event: StreamEvent): void {
    const { post } = this.deps;
    switch (event.type) {
      case 'token':
        post('typewriter:token', { id, text: event.text, index: event.index });
        return;
      case 'stats':
      case 'done': {
        const stats = toStats(event.stats);
        this.patch({ stats });
        post('typewriter:stats', { id, ...stats });
        return;
      }
      case 'paused':
      case 'resumed':
        this.patch({ phase: event.type === 'paused' ? 'paused' : 'generating' });
        return;
    }
  }

  private finish(id: string, outcome: GenerationOutcome): void {
    if (outcome.reason === 'error') {
      this.fail(id, outcome.error ?? { name: 'GenerationError', message: 'The generation failed.' });
      return;
    }
    this.deps.post('typewriter:done', { id, reason: outcome.reason, text: outcome.text });
  }

  private request(id: string, input: GenerateInput, options: EmbedGenerateOptions): GenerateRequest {
    const { config } = this.deps;
    const { system: systemOption, ...sampling } = options;
    const system = systemOption ?? config.system;
    const messages: ChatMessage[] =
      'prompt' in input ? [{ role: 'user', content: input.prompt }] : input.messages.map((m) => ({ ...m }));
    if (system && !messages.some((m) => m.role === 'system')) messages.unshift({ role: 'system', content: system });
    return {
      messages,
      requestId: id,
      ...(config.maxTokens !== null && { maxTokens: config.maxTokens }),
      ...(config.temperature !== null && { temperature: config.temperature }),
      ...sampling,
    };
  }

  private fail(id: string | null, error: { name: string; message: string }): void {
    const { name, message } = error;
    this.patch({ phase: 'error', error: { name, message } });
    this.deps.post('typewriter:error', { ...(id !== null && { id }), name, message });
  }

  private nextLocalId(): string {
    this.localIds += 1;
    return `widget-${this.localIds}`;
  }
}
