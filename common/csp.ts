/**
 * The Content-Security-Policy the app is deployed with, in one place: the preview server
 * (vite.config.ts) sends it, the service worker re-attaches it to the navigations it answers,
 * and the README's deploy section prints it. A remote backend or a custom model host is one
 * more entry in `connectHosts`.
 */

/** The Trusted Types policies the page creates; the CSP allows these names and no others. */
export const TRUSTED_TYPES_POLICIES = {
  /** DOMPurify's output for the markdown sink (RETURN_TRUSTED_TYPE). */
  markdown: 'typewriter-markdown',
  /** Worker and script URLs: only our own origin. */
  scriptUrl: 'typewriter-script-url',
  /**
   * For third-party sinks no code of ours can wrap, script URLs only, same origin only: on the page,
   * workbox-window's `navigator.serviceWorker.register('/sw.js')`; in the engine worker, ORT's Emscripten glue
   * starting its pthread workers from `new URL(import.meta.url)`. It has no createHTML, so every HTML sink still
   * needs the markdown policy.
   */
  thirdPartyScriptUrls: 'default',
} as const;

export interface CspOptions {
  /** Origins the engine may fetch from besides our own: the model host(s), a remote backend. */
  connectHosts?: readonly string[];
  /**
   * Who may frame the page: `[]` means nobody ('none'), `['*']` anyone (no directive). The main app uses `[]`;
   * the widget (`/?embed`) uses the deploy's list.
   */
  frameAncestors?: readonly string[];
  /** `require-trusted-types-for 'script'` plus the allowed policy names (default on). */
  trustedTypes?: boolean;
}

/** The default model host (the Hugging Face Hub) and where its LFS files redirect to. */
export const DEFAULT_MODEL_HOSTS = ['https://huggingface.co', 'https://*.hf.co', 'https://*.huggingface.co'] as const;

/** Origins only, so a path or query in a configured host never leaks into the header (or breaks it). */
export function cspOrigin(host: string): string {
  const trimmed = host.trim();
  if (trimmed === '*' || trimmed === "'self'" || trimmed === "'none'") return trimmed;
  // Wildcard hosts (https://*.hf.co) are not valid URLs; keep scheme://host[:port] as written.
  const wild = /^https?:\/\/\*\.[a-z0-9.-]+(:\d+)?\/?$/i.exec(trimmed);
  if (wild) return trimmed.replace(/\/$/, '').toLowerCase();
  const url = new URL(trimmed);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${host} is not an http(s) origin.`);
  return url.origin;
}

function sourceList(values: readonly string[]): string {
  return [...new Set(values.map(cspOrigin))].join(' ');
}

/** The policy as the value of one `Content-Security-Policy` header. */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = sourceList(["'self'", ...(options.connectHosts ?? DEFAULT_MODEL_HOSTS)]);
  const ancestors = options.frameAncestors ?? [];
  const directives = [
    "default-src 'self'",
    // WebAssembly.compile needs 'wasm-unsafe-eval'; nothing needs eval or new Function.
    "script-src 'self' 'wasm-unsafe-eval'",
    // Workers are our own scripts: the engine worker and ORT's pthreads, both from the self-hosted .mjs.
    "worker-src 'self'",
    `connect-src ${connect}`,
    // Rendered output never loads a remote image: markdown images become links, and this backs that up.
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    // Stylesheets are bundled files; React sets styles through CSSOM, which style-src does not govern.
    "style-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "manifest-src 'self'",
  ];
  // `*` would still refuse opaque-origin parents (a data: or sandboxed host frame); "anyone" means no directive.
  if (!(ancestors.length === 1 && ancestors[0] === '*'))
    directives.push(`frame-ancestors ${ancestors.length === 0 ? "'none'" : sourceList(ancestors)}`);
  if (options.trustedTypes ?? true) {
    directives.push(
      "require-trusted-types-for 'script'",
      `trusted-types ${Object.values(TRUSTED_TYPES_POLICIES).join(' ')}`,
    );
  }
  return directives.join('; ');
}
