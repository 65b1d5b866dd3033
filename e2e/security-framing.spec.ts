import { expect, test, type Page } from '@playwright/test';
import { watchViolations } from './support/csp-watch';
import { pasteUrl } from './support/embed-helpers';
import { APP_ORIGIN, HOST_PORT } from './support/ports';
import { waitForController } from './support/pwa-helpers';
import { expectReady } from './support/ui-chat';

/**
 * User story: another site cannot frame the app (clickjacking); only the widget page may be framed, by the sites
 * the deploy lists in frame-ancestors. This holds for the server's answer and for the service worker's.
 */

/** Whether a frame's document came from the app (and ran), or was blocked. */
async function frameRan(page: Page, name: string): Promise<boolean> {
  const frame = page.frame({ name });
  if (!frame || !frame.url().startsWith(APP_ORIGIN)) return false;
  return frame.evaluate(() => document.getElementById('root') !== null).catch(() => false);
}

test('another origin can frame the widget but not the app (network response)', async ({ page }) => {
  const attacker = `http://127.0.0.1:${HOST_PORT}`;
  await page.goto(
    pasteUrl(
      `<iframe name="app" src="${APP_ORIGIN}/"></iframe><iframe name="widget" src="${APP_ORIGIN}/?embed"></iframe>`,
      attacker,
    ),
  );
  await expect.poll(() => frameRan(page, 'widget'), { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(1000);
  expect(await frameRan(page, 'app')).toBe(false);
  test.info().annotations.push({ type: 'tried', description: 'framing / and /?embed from another origin' });
});

test('navigations the service worker answers carry the same frame-ancestors', async ({ page }) => {
  const watch = await watchViolations(page);
  const answers: { url: string; fromSw: boolean; policy: string }[] = [];
  page.on('response', (r) => {
    if (r.request().isNavigationRequest())
      answers.push({
        url: r.url(),
        fromSw: r.fromServiceWorker(),
        policy: r.headers()['content-security-policy'] ?? '',
      });
  });
  await page.goto('/');
  await expectReady(page);
  await waitForController(page, 60_000);
  // Same-origin frames: the service worker answers both navigations from its precache.
  await page.evaluate(() => {
    for (const [name, src] of [
      ['sw-app', '/?framed=1'],
      ['sw-widget', '/?embed&framed=1'],
    ]) {
      const frame = document.createElement('iframe');
      frame.name = name!;
      frame.src = src!;
      document.body.append(frame);
    }
  });
  await expect.poll(() => frameRan(page, 'sw-widget'), { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(1000);
  expect(await frameRan(page, 'sw-app')).toBe(false);
  const app = answers.find((a) => a.url.endsWith('/?framed=1'));
  const widget = answers.find((a) => a.url.includes('?embed&framed=1'));
  expect(app).toMatchObject({ fromSw: true });
  expect(app?.policy).toContain("frame-ancestors 'none'");
  expect(app?.policy).toContain("require-trusted-types-for 'script'");
  expect(widget).toMatchObject({ fromSw: true });
  expect(widget?.policy).toContain("require-trusted-types-for 'script'");
  expect(widget?.policy).not.toContain('frame-ancestors');
  // Only the blocked frame may report (frame-ancestors is reported to the framed document, not this one).
  expect(await watch.all()).toEqual([]);
  test.info().annotations.push({ type: 'tried', description: 'framing / and /?embed through the service worker' });
});
