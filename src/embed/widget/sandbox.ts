/**
 * A sandboxed iframe without `allow-same-origin` runs with an opaque ('null') origin: no storage
 * and no same-origin Worker, so the model can neither be cached nor run. Detect it up front and
 * tell the host page what to change, instead of failing later with a SecurityError.
 * Storage that merely throws is NOT this case: browsers that block third-party storage do that to
 * a normal cross-site iframe, and the engine still runs there (without its offline cache).
 */
export const SANDBOX_FIX =
  'This widget is in a sandboxed iframe without allow-same-origin, so it cannot store the model or start its worker. ' +
  'The page embedding it must use sandbox="allow-scripts allow-same-origin" (or no sandbox attribute).';

export function detectSandbox(origin: string): string | null {
  return origin === 'null' ? SANDBOX_FIX : null;
}
