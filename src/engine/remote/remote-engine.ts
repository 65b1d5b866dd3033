import type {
  EngineApi,
  EngineStatus,
  GenerateRequest,
  LoadResult,
  ModelSpec,
  PeerRunResult,
  StorageReport,
  StreamEvent,
} from '../../../workers/protocol';
import { cspBlocked as watchedCspBlocked } from './csp-watch';
import { httpError, RemoteError, unreachableError } from './remote-errors';
import { endpoint, remoteRequestBody } from './remote-request';
import { RemoteRun } from './remote-run';

export interface RemoteEngineOptions {
  fetch?: typeof fetch;
  /** The API key for a base URL, asked on every request: the key never sits in a spec, an event or a log. */
  apiKey?: (baseUrl: string) => string | undefined;
  now?: () => number;
  /** Whether a failed fetch to `origin` was a CSP refusal (default: a securitypolicyviolation was seen). */
  cspBlocked?: (origin: string) => Promise<boolean>;
  /** A server that has not answered `GET /models` by then is reported unreachable. */
  connectTimeoutMs?: number;
}

interface Server {
  baseUrl: string;
  origin: string;
  host: string;
  model: string;
}

interface ModelList {
  data?: { id?: unknown; max_model_len?: unknown; context_length?: unknown; meta?: { n_ctx_train?: unknown } }[];
}

function serverOf(spec: ModelSpec): Server {
  if (spec.source.kind !== 'remote') {
    throw new RemoteError('InvalidParams', 'The remote backend loads only a remote server (source kind "remote").');
  }
  const { baseUrl, model } = spec.source;
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new RemoteError(
      'InvalidParams',
      `"${baseUrl}" is not a URL. Enter the server's base URL, e.g. http://localhost:8000/v1.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RemoteError('InvalidParams', `"${baseUrl}" is not an http(s) URL.`);
  if (!model.trim()) throw new RemoteError('InvalidParams', 'Enter the model name the server serves.');
  return { baseUrl: url.href.replace(/\/+$/, ''), origin: url.origin, host: url.host, model: model.trim() };
}

const cancelled = () => new RemoteError('LoadCancelled', 'The connection to the server was cancelled.');

const positive = (...values: unknown[]) =>
  values.find((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0) ?? 0;

/**
 * The EngineApi over an OpenAI-compatible server (OpenAI, vLLM, llama.cpp's server, Ollama): `load` checks
 * the server and the model with `GET /models`, `generate` streams `POST /chat/completions` as StreamEvents,
 * so the bridge, the typewriter, the stats, the OpenAI API in the page and the exports work unchanged.
 * It runs on the page: a network stream costs the main thread next to nothing.
 */
export function createRemoteEngine(options: RemoteEngineOptions = {}): EngineApi {
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => performance.now());
  const cspBlocked = options.cspBlocked ?? watchedCspBlocked;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  let server: Server | null = null;
  let info: LoadResult | null = null;
  let loading: AbortController | null = null;
  let run: RemoteRun | null = null;

  const headers = (s: Server, json: boolean): Record<string, string> => {
    const key = options.apiKey?.(s.baseUrl)?.trim();
    return { ...(json && { 'Content-Type': 'application/json' }), ...(key && { Authorization: `Bearer ${key}` }) };
  };

  /** A fetch whose failures are named errors; an abort stays an AbortError. */
  async function send(s: Server, url: string, init: RequestInit, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetchFn(url, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw unreachableError(s.origin, await cspBlocked(s.origin));
    }
    if (!response.ok) throw httpError(response.status, await response.text().catch(() => ''), s.host, what);
    return response;
  }

  function stopRun(): void {
    run?.stop();
  }

  const engine: EngineApi = {
    async load(spec) {
      const next = serverOf(spec);
      loading?.abort();
      stopRun();
      const controller = new AbortController();
      loading = controller;
      // The server connected before stays until this one answers (EngineApi.load): a wrong URL or model name
      // leaves it in use.
      const started = now();
      const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), connectTimeoutMs);
      try {
        let contextLength = 0;
        const response = await fetchFn(endpoint(next.baseUrl, '/models'), {
          headers: headers(next, false),
          signal: controller.signal,
        }).catch(async (error: unknown) => {
          const reason: unknown = controller.signal.reason;
          if (reason instanceof DOMException && reason.name === 'TimeoutError')
            throw unreachableError(next.origin, false);
          if (controller.signal.aborted) throw error;
          throw unreachableError(next.origin, await cspBlocked(next.origin));
        });
        // A server without a model list (some proxies) is taken at its word; the first request will tell.
        if (response.status !== 404) {
          if (!response.ok) throw httpError(response.status, await response.text(), next.host, 'the model list');
          const list = (await response.json().catch(() => ({}))) as ModelList;
          const models = (list.data ?? []).filter((m) => typeof m.id === 'string');
          const entry = models.find((m) => m.id === next.model);
          if (models.length > 0 && !entry) {
            const names = models
              .map((m) => String(m.id))
              .slice(0, 8)
              .join(', ');
            throw new RemoteError(
              'RemoteRejected',
              `${next.host} does not serve "${next.model}"; it lists: ${names}. Enter one of these in Settings.`,
            );
          }
          contextLength = positive(entry?.max_model_len, entry?.context_length, entry?.meta?.n_ctx_train);
        }
        if (loading !== controller) throw cancelled();
        server = next;
        info = {
          modelId: next.model,
          backend: 'remote',
          backendReason: `remote server ${next.host}: what you send leaves this device`,
          fellBack: false,
          dtype: 'server',
          dtypeReason: 'the server picks the precision',
          threads: 0,
          threadsReason: 'runs on the server',
          contextLength,
          vocabSize: 0,
          adapter: null,
          randomWeights: false,
          bytes: 0,
          fromCache: false,
          loadMs: now() - started,
          files: [],
        };
        return info;
      } catch (error) {
        if (loading !== controller) throw cancelled();
        if (error instanceof RemoteError) throw error;
        if (controller.signal.aborted) throw cancelled();
        throw error;
      } finally {
        clearTimeout(timer);
        if (loading === controller) loading = null;
      }
    },

    async unload() {
      loading?.abort();
      loading = null;
      stopRun();
      server = null;
      info = null;
    },

    async generate(request: GenerateRequest): Promise<ReadableStream<StreamEvent>> {
      const s = server;
      if (loading)
        throw new RemoteError(
          'ModelNotLoaded',
          'Still connecting to the server. Wait for it to be ready, then send again.',
        );
      if (!s) throw new RemoteError('ModelNotLoaded', 'Connect to the remote server first (Settings → Engine).');
      if (run && !run.finished) throw new RemoteError('EngineBusy', 'An answer is still streaming: stop it first.');
      if ((request.messages === undefined) === (request.prompt === undefined))
        throw new RemoteError('InvalidParams', 'Send exactly one of messages and prompt.');
      const { path, body } = remoteRequestBody(s.model, request);
      const controller = new AbortController();
      const response = send(
        s,
        endpoint(s.baseUrl, path),
        { method: 'POST', headers: headers(s, true), body: JSON.stringify(body), signal: controller.signal },
        'the chat request',
      );
      const current = new RemoteRun(response, controller, {
        requestId: request.requestId ?? `remote-${Date.now()}`,
        maxTokens: request.maxTokens ?? 0,
        statsIntervalMs: request.statsIntervalMs ?? 250,
        host: s.host,
        now,
      });
      run = current;
      return current.stream;
    },

    async pause() {
      run?.pause();
    },

    async resume() {
      run?.resume();
    },

    async stop() {
      loading?.abort();
      stopRun();
    },

    async status(): Promise<EngineStatus> {
      const active = run && !run.finished ? run : null;
      return {
        state: loading ? 'loading' : active ? (active.paused ? 'paused' : 'generating') : info ? 'ready' : 'idle',
        model: info,
        forwardPasses: 0,
        forwardMs: 0,
        queuedEvents: 0,
      };
    },

    // Nothing of a remote model is stored in this browser.
    async storage(): Promise<StorageReport> {
      return { models: [], usage: null, quota: null, persisted: null };
    },
    async deleteCachedModel() {},
    async clearCache() {},

    async peerGenerate(): Promise<PeerRunResult> {
      throw new RemoteError('InvalidParams', 'The transformers.js reference run needs a local model.');
    },
  };
  return engine;
}
