import type { NamedError } from '../../common/error-names';

/**
 * OpenAI's error shape and the HTTP status each failure gets. The official client turns the status
 * into its error class (400 → BadRequestError, 404 → NotFoundError, 429 → RateLimitError,
 * 503 → InternalServerError) and reads `error.message`, `error.param` and `error.code`.
 */

export type OpenAiErrorType = 'invalid_request_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
}

export interface OpenAiError {
  status: number;
  body: OpenAiErrorBody;
  /**
   * The client retries 408/409/429/5xx by itself unless `x-should-retry: false` says not to. A retry
   * a second later cannot load a model or finish someone else's generation, so we say not to.
   */
  retry: boolean;
}

export function openAiError(
  status: number,
  type: OpenAiErrorType,
  message: string,
  options: { param?: string | null; code?: string | null; retry?: boolean } = {},
): OpenAiError {
  return {
    status,
    body: { error: { message, type, param: options.param ?? null, code: options.code ?? null } },
    retry: options.retry ?? false,
  };
}

export const invalidRequest = (message: string, param: string | null, code: string): OpenAiError =>
  openAiError(400, 'invalid_request_error', message, { param, code });

/**
 * An engine error as OpenAI would report it. The choices where OpenAI has no direct equivalent:
 * - ModelNotLoaded → 503 `model_not_loaded`: the server is up but cannot serve yet (load a model).
 * - EngineBusy → 429 `engine_busy`: one generation at a time, like a concurrency limit. Not retried by
 *   the client (x-should-retry: false): the running generation may take much longer than its backoff.
 * - InvalidParams, ContextOverflow, InvalidSchema → 400, with OpenAI's `context_length_exceeded` code for overflow.
 * - Anything else (a failed generation, a crashed worker) → 500 `server_error`.
 */
export function engineErrorToOpenAi(error: NamedError): OpenAiError {
  const { name, message } = error;
  switch (name) {
    case 'InvalidParams':
      return invalidRequest(message, null, 'invalid_value');
    case 'ContextOverflow':
      return invalidRequest(message, 'messages', 'context_length_exceeded');
    case 'InvalidSchema':
      return invalidRequest(message, 'response_format', 'invalid_schema');
    case 'ModelNotLoaded':
      return openAiError(503, 'server_error', message, { code: 'model_not_loaded' });
    case 'EngineBusy':
      return openAiError(429, 'rate_limit_error', message, { code: 'engine_busy' });
    default:
      return openAiError(500, 'server_error', `${name}: ${message}`, { code: name });
  }
}

export function errorResponse(error: OpenAiError): Response {
  return new Response(JSON.stringify(error.body), {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-should-retry': String(error.retry) },
  });
}
