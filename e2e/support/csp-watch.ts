import type { Page, Worker } from '@playwright/test';

/**
 * Collects every Content-Security-Policy / Trusted Types violation on a page: in every frame (an init script
 * listens for `securitypolicyviolation` before any page code runs) and in every worker (a listener added as
 * the worker appears), plus uncaught Trusted Types errors.
 */
export interface ViolationWatch {
  all(): Promise<string[]>;
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

export async function watchViolations(page: Page): Promise<ViolationWatch> {
  const errors: string[] = [];
  const workers: Worker[] = [];
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations!.push(`${location.pathname}${location.search}: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('pageerror', (e) => {
    if (/trusted|content security/i.test(e.message)) errors.push(`pageerror: ${e.message}`);
  });
  page.on('worker', (worker) => {
    workers.push(worker);
    worker.on('close', () => workers.splice(workers.indexOf(worker), 1));
    void worker
      .evaluate(() => {
        const scope = self as unknown as { __cspViolations?: string[] } & EventTarget;
        scope.__cspViolations ??= [];
        scope.addEventListener('securitypolicyviolation', (e) => {
          const v = e as SecurityPolicyViolationEvent;
          scope.__cspViolations!.push(`worker: ${v.violatedDirective} ${v.blockedURI}`);
        });
      })
      .catch(() => undefined);
  });
  return {
    async all() {
      const found = [...errors];
      for (const frame of page.frames()) {
        const list = await frame.evaluate(() => window.__cspViolations ?? []).catch(() => []);
        found.push(...list);
      }
      for (const worker of [...workers]) {
        // A worker that is closing may never answer.
        const list = await Promise.race([
          worker
            .evaluate(() => (self as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])
            .catch(() => []),
          new Promise<string[]>((done) => setTimeout(() => done([]), 2000)),
        ]);
        found.push(...list);
      }
      return found;
    },
  };
}
