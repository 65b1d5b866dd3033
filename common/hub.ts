/** Hugging Face Hub vocabulary shared by the page and the worker. Pure data and functions. */

/** Where Hub model ids are fetched from unless a spec or the settings name another host. */
export const DEFAULT_HUB_HOST = 'https://huggingface.co';

/** A Hub repo id: `org/name`, letters, digits, `_`, `.` and `-` (the engine also refuses `..`). */
export const HUB_ID_PATTERN = /^[\w.-]+\/[\w.-]+$/;

export function isHubId(id: string): boolean {
  return HUB_ID_PATTERN.test(id) && !id.includes('..');
}

/**
 * The engine's cache key for a Hub repo: host and repo id, e.g. `huggingface.co/org/name`.
 * The worker derives the same key from a file URL (`https://host/org/name/resolve/...`).
 */
export function hubCacheKey(id: string, host: string = DEFAULT_HUB_HOST): string {
  return `${new URL(host).host}/${id.trim()}`;
}
