import { expect, test, type Page } from '@playwright/test';
import {
  engineLoad,
  hubControl,
  hubRequests,
  hubSpec,
  MODEL_CACHE,
  modelCacheUrls,
  uniqueRepo,
} from './support/pwa-helpers';

/**
 * User story: the model cache never holds a partial or wrong model. A full disk mid-model, a damaged cached file,
 * and a proxy's HTML page labelled as a binary each end in a working load or a named error, never a corrupt entry.
 */

const ONNX = 'onnx/model.onnx'; // what WASM auto loads for this model (fp32: the fastest measured form on WASM)

async function openHarness(page: Page) {
  await page.goto('/?harness');
  await page.waitForFunction(() => Boolean((window as unknown as { __typewriter?: unknown }).__typewriter));
}

const repoEntries = async (page: Page, repo: string) => (await modelCacheUrls(page)).filter((u) => u.includes(repo));

test('HTML served as application/octet-stream is NotAModelFile, not a cut-off download; nothing is cached', async ({
  page,
}) => {
  await openHarness(page);
  const repo = uniqueRepo('htmloctet');
  await hubControl({ repo, file: ONNX, fault: 'html-octet' });
  const outcome = await engineLoad(page, hubSpec(repo));
  expect(outcome).toMatchObject({ ok: false, name: 'NotAModelFile' });
  expect(!outcome.ok && outcome.message).toContain(ONNX);
  expect((await repoEntries(page, repo)).filter((u) => u.endsWith(ONNX))).toEqual([]);
});

test('a damaged cached file found while online is downloaded again once, automatically', async ({ page }) => {
  await openHarness(page);
  const repo = uniqueRepo('refetch');
  expect(await engineLoad(page, hubSpec(repo))).toMatchObject({ ok: true });
  const url = (await repoEntries(page, repo)).find((u) => u.endsWith(ONNX))!;
  await page.evaluate(
    async ({ name, key }) => {
      const cache = await caches.open(name);
      const hit = (await cache.match(key))!;
      const bytes = new Uint8Array(await hit.arrayBuffer());
      bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
      await cache.put(key, new Response(bytes, { headers: hit.headers }));
    },
    { name: MODEL_CACHE, key: url },
  );
  const before = (await hubRequests(repo)).filter((p) => p.endsWith(ONNX)).length;
  expect(await engineLoad(page, hubSpec(repo))).toMatchObject({ ok: true });
  const after = (await hubRequests(repo)).filter((p) => p.endsWith(ONNX)).length;
  expect(after - before).toBe(1);
  // The fresh copy is stored and reads back clean.
  expect(await engineLoad(page, hubSpec(repo))).toMatchObject({ ok: true, result: { fromCache: true } });
});

test('QuotaExceededError mid-model leaves no partial model cached; the load runs uncached with a notice', async ({
  page,
}) => {
  await openHarness(page);
  // The engine worker's cache.put fails for the weights, as a full disk does after config and tokenizer went in.
  await expect.poll(() => page.workers().some((w) => /engine\.worker/.test(w.url()))).toBe(true);
  const worker = page.workers().find((w) => /engine\.worker/.test(w.url()))!;
  await worker.evaluate(() => {
    const put = Cache.prototype.put;
    Cache.prototype.put = function (request: RequestInfo | URL, response: Response) {
      const url = typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;
      if (url.endsWith('.onnx'))
        return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      return put.call(this, request, response);
    };
  });
  const repo = uniqueRepo('quota');
  const outcome = await engineLoad(page, hubSpec(repo));
  expect(outcome).toMatchObject({ ok: true });
  expect(outcome.ok && outcome.result.notice).toMatch(/could not be stored for offline use/);
  expect(await repoEntries(page, repo)).toEqual([]);
  test.info().annotations.push({ type: 'tried', description: 'quota exceeded on the weights' });
});
