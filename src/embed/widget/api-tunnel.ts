import { describeError } from '../../../common/error-names';
import type { FetchLike } from '../../openai/fetch';
import { FORWARDED_HEADERS } from '../messages';
import type { HostFetchAbortMessage, HostFetchMessage, WidgetMessageType, WidgetPayload } from '../protocol';

type Post = <T extends WidgetMessageType>(type: T, payload: WidgetPayload<T>) => void;

/**
 * The widget's end of the SDK's `fetch`: a `typewriter:fetch` (already checked by the parent channel:
 * allowed origin, parent window, well-formed) runs through the same in-page OpenAI handler as the app's
 * `typewriter.fetch`, whose request validation and engine limits apply unchanged. The response goes
 * back as its status and headers, then the body text as it arrives, then an end marker.
 */
export function createApiTunnel(api: FetchLike, post: Post) {
  const running = new Map<string, AbortController>();

  async function run(message: HostFetchMessage): Promise<void> {
    const { id, method, path, body } = message;
    if (running.has(id)) {
      post('typewriter:response-end', {
        id,
        error: { name: 'InvalidParams', message: `A fetch with id "${id}" is already running.` },
      });
      return;
    }
    const abort = new AbortController();
    running.set(id, abort);
    try {
      const response = await api(`http://typewriter.local${path}`, {
        method,
        ...(body !== undefined && { body }),
        signal: abort.signal,
      });
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      post('typewriter:response', { id, status: response.status, headers });
      if (response.body) {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value) post('typewriter:response-chunk', { id, text: value });
        }
      }
      post('typewriter:response-end', { id });
    } catch (error) {
      post('typewriter:response-end', { id, error: describeError(error) });
    } finally {
      running.delete(id);
    }
  }

  return {
    handle(message: HostFetchMessage | HostFetchAbortMessage): void {
      if (message.type === 'typewriter:fetch') void run(message);
      else running.get(message.id)?.abort();
    },
  };
}
