import { expect, test } from '@playwright/test';
import { bridgeLoad, cacheContents, hubSpec, MODEL_CACHE, uniqueRepo, waitForController } from './support/pwa-helpers';
import { HUB_ORIGIN } from './support/ports';

test.describe('installable offline app shell', () => {
  test('first visit: the service worker precaches shell, runtime and demo model, and Chrome can install the app', async ({
    page,
  }) => {
    await page.goto('/');
    expect(await waitForController(page, 10_000)).toBeLessThan(10_000);

    const caches = await cacheContents(page);
    const precacheName = Object.keys(caches).find((name) => name.startsWith('workbox-precache'));
    expect(precacheName, `caches: ${Object.keys(caches).join(', ')}`).toBeDefined();
    const precached = (caches[precacheName!] ?? []).map((url) => new URL(url).pathname);
    expect(precached).toContain('/index.html');
    expect(precached).toContain('/manifest.webmanifest');
    expect(precached.some((p) => /^\/assets\/engine\.worker-.*\.js$/.test(p))).toBe(true);
    expect(precached.some((p) => /^\/assets\/ort-wasm-simd-threaded\.asyncify-.*\.wasm$/.test(p))).toBe(true);
    expect(precached.some((p) => /^\/assets\/ort-wasm-simd-threaded\.asyncify-.*\.mjs$/.test(p))).toBe(true);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      expect(precached).toContain(`/models/demo/${file}`);
    }
    // Test fixtures and Hub weights are not part of the app.
    expect(precached.filter((p) => p.startsWith('/models/eos-test/'))).toEqual([]);
    const everything = Object.values(caches).flat();
    expect(everything.filter((url) => url.startsWith(HUB_ORIGIN))).toEqual([]);
    expect(caches[MODEL_CACHE] ?? []).toEqual([]);

    // Chrome's own installability check: manifest, icons, service worker with a fetch handler.
    const cdp = await page.context().newCDPSession(page);
    await expect
      .poll(
        async () =>
          (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors
            // Playwright's contexts are incognito, where Chrome never offers installation.
            .filter((e) => e.errorId !== 'in-incognito'),
        { timeout: 15_000 },
      )
      .toEqual([]);
    const manifest = await (await page.request.get('/manifest.webmanifest')).json();
    expect(manifest).toMatchObject({ short_name: 'Typewriter', display: 'standalone', start_url: '/', scope: '/' });
    const sizes = (manifest.icons as { sizes: string; purpose: string }[]).map((i) => `${i.sizes} ${i.purpose}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  });

  test('the navigation fallback never answers a missing asset or model file', async ({ page }) => {
    await page.goto('/');
    await waitForController(page);
    const statuses = await page.evaluate(async () => {
      const status = async (url: string) => (await fetch(url)).status;
      return {
        model: await status('/models/demo/onnx/model_fp16.onnx'),
        asset: await status('/assets/missing.js'),
        json: await status('/models/demo/nope.json'),
        precachedModel: await status('/models/demo/config.json'),
      };
    });
    expect(statuses).toEqual({ model: 404, asset: 404, json: 404, precachedModel: 200 });
    // A navigation outside the allowlist is not answered with index.html (vite preview's 404 has no body,
    // which Chromium reports as a failed navigation).
    const response = page.waitForResponse('**/models/missing/config.json');
    await page.goto('/models/missing/config.json').catch(() => null);
    expect((await response).status()).toBe(404);
  });
});

test.describe('install and persistence prompts', () => {
  test('the Install button appears when the browser offers installation, and calls its prompt', async ({ page }) => {
    await page.goto('/');
    const install = page.getByRole('button', { name: 'Install' });
    await expect(page.getByRole('status', { name: 'Offline status' })).toBeVisible();
    await expect(install).toHaveCount(0);
    // Headless Chromium never fires beforeinstallprompt on its own; this is the event's shape.
    await page.evaluate(() => {
      const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => void ((window as unknown as { prompted: number }).prompted = 1),
        userChoice: Promise.resolve({ outcome: 'dismissed' as const }),
      });
      window.dispatchEvent(event);
    });
    await install.click();
    expect(await page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
    await expect(install).toHaveCount(0);
  });

  test("after the user's first Hub download the app asks for persistent storage and shows the answer", async ({
    page,
  }) => {
    await page.goto('/');
    await waitForController(page);
    const persistence = page.getByRole('status', { name: 'Storage persistence' });
    await expect(persistence).toHaveCount(0);
    const repo = uniqueRepo('persist');
    await bridgeLoad(page, hubSpec(repo));
    await expect(persistence).toHaveText(/Storage is (not )?persistent/);
  });
});
