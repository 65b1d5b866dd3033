import type { EngineErrorName } from '../../../common/error-names';

/** A named error of the remote backend; across any boundary only `name` and `message` are kept. */
export class RemoteError extends Error {
  constructor(
    override readonly name:
      Extract<EngineErrorName, `Remote${string}`> | 'InvalidParams' | 'ModelNotLoaded' | 'EngineBusy' | 'LoadCancelled',
    message: string,
  ) {
    super(message);
  }
}

/** The server's own words from an error body (`{"error": {"message"}}`, `{"detail"}`, or text), shortened. */
export function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; detail?: unknown; message?: unknown };
    const fromJson =
      typeof parsed.error === 'string'
        ? parsed.error
        : typeof parsed.error?.message === 'string'
          ? parsed.error.message
          : typeof parsed.detail === 'string'
            ? parsed.detail
            : typeof parsed.message === 'string'
              ? parsed.message
              : '';
    if (fromJson) return fromJson.slice(0, 300);
  } catch {
    // not JSON: the text itself
  }
  return body.trim().slice(0, 300);
}

/** An HTTP error status as a named error that says what to do. `what` names the request ("the chat request"). */
export function httpError(status: number, body: string, host: string, what: string): RemoteError {
  const said = serverMessage(body);
  const quote = said ? `: "${said}"` : '';
  if (status === 401 || status === 403) {
    return new RemoteError(
      'RemoteAuthFailed',
      `${host} refused ${what} (HTTP ${status})${quote}. Check the API key in Settings → Engine → Remote server.`,
    );
  }
  if (status === 429) {
    return new RemoteError(
      'RemoteServerError',
      `${host} is rate-limiting (HTTP 429)${quote}. Wait a moment and send again, or switch to the local model.`,
    );
  }
  if (status >= 500) {
    return new RemoteError(
      'RemoteServerError',
      `${host} failed on ${what} (HTTP ${status})${quote}. Try again later, or switch to the local model.`,
    );
  }
  return new RemoteError(
    'RemoteRejected',
    `${host} rejected ${what} (HTTP ${status})${quote}. Check the model name and the settings this request used.`,
  );
}

/**
 * A fetch that never got a response. The browser gives one TypeError for a server that is down, a wrong URL,
 * a missing CORS header and a CSP refusal; `blockedByCsp` (seen through a securitypolicyviolation event) tells
 * the last apart, because only whoever deploys the app can fix it.
 */
export function unreachableError(origin: string, blockedByCsp: boolean): RemoteError {
  if (blockedByCsp) {
    return new RemoteError(
      'RemoteBlocked',
      `This deploy's Content-Security-Policy does not allow connecting to ${origin}. Whoever hosts the app adds it to TW_REMOTE_HOSTS (README, "Remote backend"); until then use the local model.`,
    );
  }
  return new RemoteError(
    'RemoteUnreachable',
    `No answer from ${origin}. Check the base URL, that the server is running, and that it allows requests from this page (CORS: Access-Control-Allow-Origin); or switch to the local model.`,
  );
}

export function streamCutError(host: string, tokens: number): RemoteError {
  return new RemoteError(
    'RemoteStreamCut',
    `The answer from ${host} stopped after ${tokens} token${tokens === 1 ? '' : 's'} without finishing (the connection was cut). The text so far is kept: send again or regenerate.`,
  );
}
