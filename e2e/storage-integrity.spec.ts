import { expect, test } from '@playwright/test';
import {
  engineLoad,
  generateTokens,
  hubControl,
  hubRequests,
  hubSpec,
  MODEL_CACHE,
  modelCacheUrls,
  uniqueRepo,
  waitForController,
} from './support/pwa-helpers';

const ONNX = 'onnx/model.onnx'; // what WASM auto loads for this model (fp32: the fastest measured form on WASM)

test.describe('model cache integrity', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await waitForController(page);
  });

  test('a download cut halfway leaves no cache entry, and the next load downloads it cleanly', async ({ page }) => {
    const repo = uniqueRepo('cut');
    await hubControl({ repo, file: ONNX, fault: 'cut', afterBytes: 400_000 });
    const broken = await engineLoad(page, hubSpec(repo));
    expect(broken).toMatchObject({ ok: false, name: 'NetworkError' });
    expect(!broken.ok && broken.message).toContain(ONNX);
    expect((await modelCacheUrls(page)).filter((u) => u.endsWith(`${repo}/resolve/main/${ONNX}`))).toEqual([]);

    const retry = await engineLoad(page, hubSpec(repo));
    expect(retry).toMatchObject({ ok: true, result: { fromCache: false, dtype: 'fp32' } });
    // Fetched again: the cut copy was never trusted. Chromium's HTTP cache may resume it with Range
    // requests from the cut point rather than start over; the engine still checks the whole body.
    const onnxRequests = (await hubRequests(repo)).filter((p) => p.startsWith(ONNX));
    expect(onnxRequests.length).toBeGreaterThanOrEqual(2);
    expect(onnxRequests.slice(1).every((p) => p === ONNX || p.includes('bytes=400000-'))).toBe(true);
    expect((await modelCacheUrls(page)).filter((u) => u.endsWith(`${repo}/resolve/main/${ONNX}`))).toHaveLength(1);
    expect((await generateTokens(page, 8)).ids).toHaveLength(8);
  });

  for (const file of [ONNX, 'config.json']) {
    test(`an HTML page with status 200 instead of ${file} is rejected by name and not cached`, async ({ page }) => {
      const repo = uniqueRepo('html');
      await hubControl({ repo, file, fault: 'html' });
      const outcome = await engineLoad(page, hubSpec(repo));
      expect(outcome).toMatchObject({ ok: false, name: 'NotAModelFile' });
      expect(!outcome.ok && outcome.message).toContain(file);
      expect((await modelCacheUrls(page)).filter((u) => u.endsWith(`${repo}/resolve/main/${file}`))).toEqual([]);
    });
  }

  test('a damaged cached file is detected on load, purged and named; offline the message says to reconnect', async ({
    page,
    context,
  }) => {
    const repo = uniqueRepo('damaged');
    expect(await engineLoad(page, hubSpec(repo))).toMatchObject({ ok: true });
    const url = (await modelCacheUrls(page)).find((u) => u.endsWith(`${repo}/resolve/main/${ONNX}`));
    expect(url).toBeDefined();
    // Flip one byte of the stored body, keeping the stored headers (size and checksum).
    await page.evaluate(
      async ({ name, key }) => {
        const cache = await caches.open(name);
        const hit = (await cache.match(key))!;
        const bytes = new Uint8Array(await hit.arrayBuffer());
        bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
        await cache.put(key, new Response(bytes, { headers: hit.headers }));
      },
      { name: MODEL_CACHE, key: url! },
    );
    await context.setOffline(true);
    const outcome = await engineLoad(page, hubSpec(repo));
    expect(outcome).toMatchObject({ ok: false, name: 'IntegrityError' });
    expect(!outcome.ok && outcome.message).toContain(ONNX);
    expect(!outcome.ok && outcome.message).toMatch(/reconnect/i);
    expect(await modelCacheUrls(page)).not.toContain(url);

    await context.setOffline(false);
    expect(await engineLoad(page, hubSpec(repo))).toMatchObject({ ok: true, result: { fromCache: false } });
    expect(await modelCacheUrls(page)).toContain(url);
  });
});
