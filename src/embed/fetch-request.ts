/** Shared by the SDK's `fetch` (which must build from src/embed alone) and the in-page API in src/openai. */
/** A `fetch` call's request body as text (the official client sends a string), or null for a stream or form. */
export async function requestBodyText(input: RequestInfo | URL, init: RequestInit | undefined): Promise<string | null> {
  const body = init?.body;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  if (body instanceof Blob) return body.text();
  if (body === undefined || body === null) return input instanceof Request ? input.text() : '';
  return null;
}

/** The method and path `fetch(input, init)` asks for; the host part of the URL is only a name. */
export function requestTarget(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): { method: string; path: string } | null {
  const href = input instanceof Request ? input.url : String(input);
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  try {
    return { method, path: new URL(href, 'http://typewriter.local/').pathname };
  } catch {
    return null;
  }
}

export const abortError = (): DOMException => new DOMException('The request was aborted.', 'AbortError');
