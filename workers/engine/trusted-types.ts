/**
 * The worker runs under the same CSP as the page (`require-trusted-types-for 'script'`).
 * ONNX Runtime's threaded WASM starts its pthreads with `new Worker(new URL(import.meta.url))`
 * inside its Emscripten glue, which no code of ours can wrap; a `default` policy is the one hook
 * Trusted Types gives for such third-party sinks. It lets through script URLs on our own origin
 * only (the self-hosted ORT .mjs) and refuses everything else, including blob: and data: URLs.
 */
import { TRUSTED_TYPES_POLICIES } from '../../common/csp';

interface PolicyFactory {
  createPolicy(name: string, rules: { createScriptURL: (s: string) => string }): unknown;
  getPolicyNames?: () => string[];
}

export function installWorkerScriptPolicy(scope: { trustedTypes?: PolicyFactory; location: { origin: string } }) {
  const factory = scope.trustedTypes;
  if (!factory) return;
  const origin = scope.location.origin;
  factory.createPolicy(TRUSTED_TYPES_POLICIES.thirdPartyScriptUrls, {
    createScriptURL(url: string) {
      const parsed = new URL(url, origin);
      if (parsed.origin !== origin) throw new TypeError(`Refusing to start a worker from ${parsed.origin}.`);
      return parsed.href;
    },
  });
}
