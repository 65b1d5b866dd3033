import { abortError, requestBodyText, requestTarget } from '../fetch-request';
import type {
  HostFetchAbortMessage,
  HostFetchMessage,
  WidgetErrorMessage,
  WidgetResponseChunkMessage,
  WidgetResponseEndMessage,
  WidgetResponseMessage,
} from '../protocol';

type Send = (message: Omit<HostFetchMessage, 'v'> | Omit<HostFetchAbortMessage, 'v'>) => void;
type ResponseMessage = WidgetResponseMessage | WidgetResponseChunkMessage | WidgetResponseEndMessage;

interface Pending {
  resolve(response: Response): void;
  reject(error: unknown): void;
  body: ReadableStreamDefaultController<Uint8Array> | null;
}

let counter = 0;
const newId = () => `twf-${Date.now().toString(36)}-${(++counter).toString(36)}`;

/** An OpenAI-shaped error answer made on the host side (the widget refused the request before the API saw it). */
function refusal(status: number, message: string, code: string): Response {
  const type = status === 400 ? 'invalid_request_error' : 'server_error';
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), {
    status,
    headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
  });
}

/**
 * The SDK's `fetch`: the widget's OpenAI-compatible API over postMessage, so a host page on another
 * origin can pass it to the official client (`new OpenAI({ fetch: typewriter.fetch, ... })`). The
 * widget's origin allowlist and message validation apply as for every other command.
 */
export function createSdkFetch(send: Send) {
  const pending = new Map<string, Pending>();
  const bytes = new TextEncoder();

  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
    if (signal?.aborted) throw abortError();
    const target = requestTarget(input, init);
    if (!target) throw new TypeError(`Typewriter fetch: invalid URL ${String(input)}.`);
    if (target.method !== 'GET' && target.method !== 'POST') {
      return refusal(405, `${target.method} is not allowed; the API takes GET and POST.`, 'method_not_allowed');
    }
    const body = target.method === 'POST' ? await requestBodyText(input, init) : undefined;
    if (body === null) throw new TypeError('Typewriter fetch: the request body must be text (JSON).');
    const id = newId();
    return new Promise<Response>((resolve, reject) => {
      const entry: Pending = { resolve, reject, body: null };
      pending.set(id, entry);
      signal?.addEventListener(
        'abort',
        () => {
          if (!pending.has(id)) return;
          pending.delete(id);
          send({ type: 'typewriter:fetch-abort', id });
          reject(abortError());
          try {
            entry.body?.error(abortError());
          } catch {
            // The body was already complete.
          }
        },
        { once: true },
      );
      send({
        type: 'typewriter:fetch',
        id,
        method: target.method as 'GET' | 'POST',
        path: target.path,
        ...(body !== undefined && { body }),
      });
    });
  }

  /** Feeds a widget message for one of our fetches; false if it is not one. */
  function receive(message: ResponseMessage | WidgetErrorMessage): boolean {
    const entry = message.id === undefined ? undefined : pending.get(message.id);
    if (!entry || message.id === undefined) return false;
    const id = message.id;
    switch (message.type) {
      case 'typewriter:response': {
        const stream = new ReadableStream<Uint8Array>({
          start: (controller) => void (entry.body = controller),
          cancel: () => {
            if (pending.delete(id)) send({ type: 'typewriter:fetch-abort', id });
          },
        });
        entry.resolve(new Response(stream, { status: message.status, headers: message.headers }));
        break;
      }
      case 'typewriter:response-chunk':
        entry.body?.enqueue(bytes.encode(message.text));
        break;
      case 'typewriter:response-end':
        pending.delete(id);
        if (!message.error) entry.body?.close();
        else {
          const error = message.error.name === 'AbortError' ? abortError() : new TypeError(message.error.message);
          if (entry.body) entry.body.error(error);
          else entry.reject(error);
        }
        break;
      case 'typewriter:error':
        // The widget refused the command: bad values (InvalidParams), or it cannot run (InvalidConfig, Sandboxed).
        pending.delete(id);
        entry.resolve(
          refusal(message.name === 'InvalidParams' ? 400 : 503, `${message.name}: ${message.message}`, message.name),
        );
        break;
    }
    return true;
  }

  /** The widget is gone (`destroy()`): pending fetches fail as a dropped connection would. */
  function dispose(): void {
    for (const [id, entry] of pending) {
      pending.delete(id);
      const error = new TypeError('Typewriter fetch: the widget was destroyed.');
      if (entry.body) entry.body.error(error);
      else entry.reject(error);
    }
  }

  return { fetch, receive, dispose };
}
