import { expect, test } from '@playwright/test';
import { engineLoad, hubRequests, hubSpec, modelCacheUrls, uniqueRepo, waitForController } from './support/pwa-helpers';

test.describe('storage quota', () => {
  test('a model that does not fit the quota is refused before any weights download, naming both sizes', async ({
    page,
  }) => {
    const usage = 30_000_000;
    const quota = usage + 200_000;
    await page.goto('/');
    await waitForController(page);
    // The engine asks for the estimate inside its worker, where init scripts do not run: stub it there (and on
    // the page, for the manager), before the load.
    await expect.poll(() => page.workers().some((w) => w.url().includes('engine.worker'))).toBe(true);
    const engineWorker = page.workers().find((w) => w.url().includes('engine.worker'))!;
    const stub = ([u, q]: readonly [number, number]) => {
      StorageManager.prototype.estimate = async () => ({ usage: u, quota: q });
    };
    await page.evaluate(stub, [usage, quota] as const);
    await engineWorker.evaluate(stub, [usage, quota] as const);

    const repo = uniqueRepo('quota');
    const outcome = await engineLoad(page, hubSpec(repo));
    expect(outcome).toMatchObject({ ok: false, name: 'InsufficientStorage' });
    // The q8 model needs about 1.1 MB; 200 kB are free.
    expect(!outcome.ok && outcome.message).toMatch(/needs 1\.\d MB of storage but only 200 kB is free/);
    expect(!outcome.ok && outcome.message).toContain('30.0 MB used of a 30.2 MB quota');
    expect((await hubRequests(repo)).filter((p) => p.endsWith('.onnx'))).toEqual([]);
    expect((await modelCacheUrls(page)).filter((u) => u.includes(repo) && u.endsWith('.onnx'))).toEqual([]);
  });
});
