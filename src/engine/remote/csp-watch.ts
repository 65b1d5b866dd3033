/**
 * Origins this page's CSP refused to connect to, seen through `securitypolicyviolation` events. A fetch the
 * CSP blocks fails with the same TypeError as a server that is down; the event is how the page tells them
 * apart. It is queued as a task of its own, so the check waits a moment after the failed fetch.
 */
const refused = new Set<string>();
let listening = false;

function listen(): void {
  if (listening || typeof document === 'undefined') return;
  listening = true;
  document.addEventListener('securitypolicyviolation', (event) => {
    if (!event.effectiveDirective.startsWith('connect-src')) return;
    try {
      refused.add(new URL(event.blockedURI).origin);
    } catch {
      // `blockedURI` can be a keyword ('inline', 'eval'): not a connection
    }
  });
}
listen();

export async function cspBlocked(origin: string, waitMs = 50): Promise<boolean> {
  listen();
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return refused.has(origin);
}
