import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { startStaticServer, type SwitchableServer } from './support/pwa-static-server';
import { APP_PORT } from './support/ports';
import {
  bridgeLoad,
  cacheContents,
  hubSpec,
  MODEL_CACHE,
  modelCacheUrls,
  uniqueRepo,
  waitForController,
} from './support/pwa-helpers';

/** Build A is the tested build; build B is the same code with another version string, deployed on the same origin. */
const DIST_A = process.env.TW_DIST ?? 'dist';
const DIST_B = `${DIST_A}-update`;
const PORT = APP_PORT + 5;
const ORIGIN = `http://localhost:${PORT}`;

test.describe('updates', () => {
  let server: SwitchableServer;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    execFileSync('npx', ['vite', 'build', '--outDir', DIST_B, '--emptyOutDir', '--logLevel', 'error'], {
      env: { ...process.env, VITE_APP_VERSION: 'update-test-b' },
      stdio: 'inherit',
    });
    server = await startStaticServer(PORT, DIST_A);
  });
  test.afterAll(async () => server?.close());

  test('a new version waits for the user, never reloads mid-generation, and keeps downloaded models', async ({
    page,
  }) => {
    await page.goto(`${ORIGIN}/`);
    await waitForController(page);
    const versionA = await page.locator('[data-app-version]').getAttribute('data-app-version');
    expect(versionA).not.toBe('update-test-b');
    const repo = uniqueRepo('update');
    await bridgeLoad(page, hubSpec(repo));
    const modelFiles = (await modelCacheUrls(page)).filter((u) => u.includes(repo));
    expect(modelFiles.length).toBeGreaterThan(3);
    const precacheA = Object.entries(await cacheContents(page)).find(([n]) => n.startsWith('workbox-precache'))?.[1];

    server.serve(DIST_B);
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 1;
      return navigator.serviceWorker.getRegistration().then((r) => r?.update());
    });
    const accept = page.getByRole('button', { name: 'Update available — reload' });
    await expect(accept).toBeVisible();
    // Waiting, not applied: same page, same version.
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

    // Accept during a long generation: the reload waits for it.
    await page.evaluate(() => {
      const tw = (window as unknown as { __typewriter: { bridge: { generate(r: unknown): Promise<unknown> } } })
        .__typewriter;
      void tw.bridge.generate({ prompt: 'Once', maxTokens: 4000, temperature: 0 });
    });
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              window as unknown as { __typewriter: { store: { getState(): { generation: { tokens: number } } } } }
            ).__typewriter.store.getState().generation.tokens,
        ),
      )
      .toBeGreaterThan(5);
    await accept.click();
    await expect(page.getByText('Update accepted: the app reloads when the current generation ends.')).toBeVisible();
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

    const reloaded = page.waitForEvent('framenavigated');
    await page.evaluate(() =>
      (window as unknown as { __typewriter: { bridge: { stop(): Promise<void> } } }).__typewriter.bridge.stop(),
    );
    await reloaded;
    await expect(page.locator('[data-app-version]')).toHaveAttribute('data-app-version', 'update-test-b');
    await waitForController(page);

    // The model cache survives; the old build's hashed files left the precache.
    expect((await cacheContents(page))[MODEL_CACHE]?.filter((u) => u.includes(repo)).sort()).toEqual(modelFiles.sort());
    const precacheB = Object.entries(await cacheContents(page)).find(([n]) => n.startsWith('workbox-precache'))?.[1];
    const goneFromA = (precacheA ?? []).filter((u) => !(precacheB ?? []).includes(u));
    expect(goneFromA.some((u) => /\/assets\/index-.*\.js/.test(u))).toBe(true);
  });
});
