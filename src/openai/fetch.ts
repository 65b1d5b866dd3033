import type { Model } from 'openai/resources/models';
import type { EngineApi } from '../../workers/protocol';
import { runChatCompletion } from './chat-completions';
import { errorResponse, invalidRequest, openAiError } from './errors';
import { parseChatRequest } from './request';
import { abortError, requestBodyText, requestTarget } from '../embed/fetch-request';

/**
 * The in-page OpenAI-compatible API: a function with `fetch`'s signature that answers
 * `POST /v1/chat/completions` and `GET /v1/models[/{id}]` from the local engine. Nothing goes to
 * the network, so the base URL's host is only a name (`http://typewriter.local/v1` by convention)
 * and the API key is not checked. Pass it as the official client's `fetch` option.
 */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface OpenAiFetchOptions {
  engine: EngineApi;
  /** Unix seconds, for `created`. */
  now?: () => number;
  onCrash?: (listener: (error: Error) => void) => () => void;
}

/** The largest request body read, in characters (the engine's own prompt limit is 1M characters). */
const MAX_BODY_CHARS = 4_000_000;
const ROUTE = /\/v1\/(chat\/completions|models)(?:\/([^/]+))?\/?$/;

let sequence = 0;
const newCompletionId = () => `chatcmpl-${Date.now().toString(36)}${(++sequence).toString(36)}`;

function modelObject(id: string, created: number): Model {
  return { id, object: 'model', created, owned_by: 'typewriter' };
}

export function createOpenAiFetch(options: OpenAiFetchOptions): FetchLike {
  const { engine } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  /** The loaded model's id, or null while none is ready. */
  const loadedModel = async () => {
    const status = await engine.status();
    return status.state === 'loading' ? null : (status.model?.modelId ?? null);
  };
  const noModel = () =>
    errorResponse(
      openAiError(
        503,
        'server_error',
        'No model is loaded. Load one in Settings → Model, or wait for the load to finish.',
        {
          code: 'model_not_loaded',
        },
      ),
    );

  return async function typewriterFetch(input, init) {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
    if (signal?.aborted) throw abortError();
    const target = requestTarget(input, init);
    if (!target)
      return errorResponse(invalidRequest(`Invalid URL ${JSON.stringify(String(input))}.`, null, 'invalid_url'));
    const { method, path } = target;
    const route = ROUTE.exec(path);
    const wrongMethod = (allowed: string) =>
      errorResponse(
        openAiError(405, 'invalid_request_error', `${method} is not allowed on ${path}; use ${allowed}.`, {
          code: 'method_not_allowed',
        }),
      );
    if (!route) {
      return errorResponse(
        openAiError(
          404,
          'not_found_error',
          `Unknown request URL: ${method} ${path}. This local API serves ` +
            'POST /v1/chat/completions, GET /v1/models and GET /v1/models/{model}.',
          { code: 'unknown_url' },
        ),
      );
    }
    const [, resource, modelId] = route;

    if (resource === 'models') {
      if (method !== 'GET') return wrongMethod('GET');
      const id = await loadedModel();
      if (modelId === undefined) {
        return Response.json({ object: 'list', data: id ? [modelObject(id, now())] : [] });
      }
      const wanted = decodeURIComponent(modelId);
      if (id !== null && wanted === id) return Response.json(modelObject(id, now()));
      return errorResponse(
        openAiError(404, 'not_found_error', `The model '${wanted}' is not loaded here (loaded: ${id ?? 'none'}).`, {
          param: 'model',
          code: 'model_not_found',
        }),
      );
    }
    if (modelId !== undefined)
      return errorResponse(openAiError(404, 'not_found_error', `Unknown request URL: ${path}.`));
    if (method !== 'POST') return wrongMethod('POST');

    const text = await requestBodyText(input, init);
    if (text === null)
      return errorResponse(invalidRequest('The request body must be JSON text.', null, 'invalid_body'));
    if (text.length > MAX_BODY_CHARS) {
      return errorResponse(
        invalidRequest(
          `The request body has ${text.length} characters; at most ${MAX_BODY_CHARS}.`,
          null,
          'invalid_body',
        ),
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return errorResponse(invalidRequest('The request body is not valid JSON.', null, 'invalid_json'));
    }
    const parsed = parseChatRequest(json);
    if (!parsed.ok) return errorResponse(parsed.error);
    const id = await loadedModel();
    if (id === null) return noModel();
    if (parsed.call.model !== id) {
      return errorResponse(
        openAiError(
          404,
          'not_found_error',
          `The model '${parsed.call.model}' is not loaded here; use model: '${id}' ` +
            '(GET /v1/models lists it), or load that model first.',
          { param: 'model', code: 'model_not_found' },
        ),
      );
    }
    return runChatCompletion(parsed.call, {
      engine,
      id: newCompletionId(),
      created: now(),
      signal,
      ...(options.onCrash && { onCrash: options.onCrash }),
    });
  };
}
