import { expect, test, type BrowserContext } from '@playwright/test';
import {
  bridgeLoad,
  generateTokens,
  hubRequests,
  hubSpec,
  modelCacheUrls,
  uniqueRepo,
  waitForController,
} from './support/pwa-helpers';
import { HUB_ORIGIN } from './support/ports';

/** Cuts the network for the page, its workers and the service worker; returns what still tried to go out. */
async function goOffline(context: BrowserContext): Promise<string[]> {
  const attempts: string[] = [];
  await context.setOffline(true);
  // Requests the service worker answers from its cache never reach this handler; everything else does.
  await context.route('**/*', (route) => {
    const request = route.request();
    attempts.push(`${request.serviceWorker() ? 'sw' : 'page'} ${request.url()}`);
    return route.abort('internetdisconnected');
  });
  return attempts;
}

test.describe('offline use', () => {
  test('a Hub model loaded once generates after going offline and reloading, with no request leaving', async ({
    page,
    context,
  }) => {
    const repo = uniqueRepo('offline');
    await page.goto('/');
    await waitForController(page);
    const first = await bridgeLoad(page, hubSpec(repo));
    expect(first?.fromCache).toBe(false);
    expect((await modelCacheUrls(page)).filter((u) => u.includes(repo)).length).toBeGreaterThan(3);
    await expect(page.getByRole('status', { name: 'Offline status' })).toHaveText('Ready offline');
    const online = await generateTokens(page, 24);
    const hubBefore = (await hubRequests(repo)).length;

    const attempts = await goOffline(context);
    await page.reload();
    await waitForController(page);
    const again = await bridgeLoad(page, hubSpec(repo));
    expect(again?.fromCache).toBe(true);
    const offline = await generateTokens(page, 24);

    expect(offline.ids).toEqual(online.ids);
    expect(offline.reason).toBe('length');
    expect(attempts).toEqual([]);
    expect((await hubRequests(repo)).length).toBe(hubBefore);
    await expect(page.getByRole('status', { name: 'Offline status' })).toHaveText('Ready offline');
  });

  test('the bundled demo model works offline from the precache alone', async ({ page, context }) => {
    await page.goto('/');
    await waitForController(page);
    const attempts = await goOffline(context);
    await page.reload();
    await waitForController(page);
    const result = await bridgeLoad(page, { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32' });
    expect(result?.randomWeights).toBe(true);
    await expect(page.getByRole('status', { name: 'Offline status' })).toHaveText('Ready offline');
    const run = await generateTokens(page, 16);
    expect(run.ids).toHaveLength(16);
    expect(attempts).toEqual([]);
    expect(HUB_ORIGIN).not.toBe(new URL(page.url()).origin);
  });
});
