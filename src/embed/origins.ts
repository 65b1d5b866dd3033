/**
 * Origin rules for the widget. Origins are compared as whole strings after parsing, never by
 * prefix or suffix, so `https://good.example.evil.net` never passes for `https://good.example`.
 */

export class InvalidOrigin extends Error {
  override readonly name = 'InvalidOrigin';
}

/**
 * Parses one allowlist entry. It must be a bare http(s) origin (`https://site.example[:port]`):
 * paths, wildcards and `null` are refused because none of them names one site.
 */
export function parseOrigin(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOrigin(
      `"${text}" is not an origin. Write it as https://site.example (scheme, host, optional port).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidOrigin(`"${text}" is not an http(s) origin. Only https:// and http:// origins can be allowed.`);
  }
  if (text.includes('*')) throw new InvalidOrigin(`"${text}": wildcards are not supported; list each origin exactly.`);
  // URL normalizes case and default ports; anything beyond the origin (path, query, credentials) is a mistake.
  const extra = url.pathname !== '/' || url.search || url.hash || url.username || url.password || text.endsWith('?');
  if (extra) {
    throw new InvalidOrigin(
      `"${text}" has more than an origin. Use just ${url.origin} (no path, query or trailing parts).`,
    );
  }
  return url.origin;
}

/** Parses the comma-separated `allowedOrigins` parameter; an empty list is an error, not "allow all". */
export function parseOriginList(raw: string): string[] {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0)
    throw new InvalidOrigin('allowedOrigins is empty. List at least one origin, comma-separated.');
  return [...new Set(parts.map(parseOrigin))];
}

/** The widget accepts exactly these origins: the allowlist, or only its own origin when there is none. */
export function acceptedOrigins(allowlist: readonly string[] | null, ownOrigin: string): readonly string[] {
  if (allowlist && allowlist.length > 0) return allowlist;
  return ownOrigin === 'null' ? [] : [ownOrigin];
}

export function isAcceptedOrigin(origin: string, accepted: readonly string[]): boolean {
  return origin !== 'null' && accepted.includes(origin);
}

/** Where the browser says the parent lives, before the parent has sent anything. */
export interface ParentHints {
  /** `location.ancestorOrigins[0]` where supported (Chromium, Safari). */
  ancestorOrigin: string | null;
  /** `document.referrer`; under the default referrer policy it carries at least the origin. */
  referrer: string;
}

function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * The parent origin the widget may post to before the parent has sent a valid message: the
 * browser's hint, and only if it is accepted. Posting with that exact targetOrigin is safe even
 * if the hint were wrong: the browser drops a message whose targetOrigin is not the parent's.
 */
export function knownParentOrigin(hints: ParentHints, accepted: readonly string[]): string | null {
  const hinted = (hints.ancestorOrigin && originOf(hints.ancestorOrigin)) || originOf(hints.referrer);
  return hinted && isAcceptedOrigin(hinted, accepted) ? hinted : null;
}
