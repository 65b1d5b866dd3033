/** A `fetch` call's request body as text (the official client sends a string), or null for a stream or form. */
export declare function requestBodyText(input: RequestInfo | URL, init: RequestInit | undefined): Promise<string | null>;
/** The method and path `fetch(input, init)` asks for; the host part of the URL is only a name. */
export declare function requestTarget(input: RequestInfo | URL, init: RequestInit | undefined): {
    method: string;
    path: string;
} | null;
export declare const abortError: () => DOMException;
