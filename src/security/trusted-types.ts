/**
 * The page's named Trusted Types policies. The deployed CSP (`common/csp.ts`) sends
 * `require-trusted-types-for 'script'` and allows exactly these names, so every HTML and
 * script-URL sink goes through one of them. Without Trusted Types support (or in tests)
 * they fall back to plain strings, which the sinks accept there.
 */
import { TRUSTED_TYPES_POLICIES } from '../../common/csp';

interface PolicyFactory {
  createPolicy(
    name: string,
    rules: { createHTML?: (s: string) => string; createScriptURL?: (s: string) => string },
  ): { createHTML(s: string): unknown; createScriptURL(s: string): unknown };
}

export const factory = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;

/** Script URLs (the engine worker) must be on our own origin: nothing else may run as our code. */
export function sameOriginScriptUrl(url: string, origin = globalThis.location?.origin): string {
  const parsed = new URL(url, origin);
  if (parsed.origin !== origin) {
    throw new TypeError(`Refusing to run a script from ${parsed.origin}: only ${origin} may provide scripts.`);
  }
  return parsed.href;
}

const scriptUrlPolicy = factory?.createPolicy(TRUSTED_TYPES_POLICIES.scriptUrl, {
  createScriptURL: (s) => sameOriginScriptUrl(s),
});

/** A URL the Worker constructor accepts under `require-trusted-types-for 'script'`. */
export function trustedScriptUrl(url: URL | string): string | URL {
  const href = sameOriginScriptUrl(String(url));
  return scriptUrlPolicy ? (scriptUrlPolicy.createScriptURL(href) as string) : href;
}

/**
 * The `default` policy, for script URLs handed to sinks by library code we cannot wrap (workbox-window registers
 * `/sw.js` with a plain string). Same origin only, and no createHTML: HTML sinks get no default.
 */
factory?.createPolicy(TRUSTED_TYPES_POLICIES.thirdPartyScriptUrls, { createScriptURL: (s) => sameOriginScriptUrl(s) });
