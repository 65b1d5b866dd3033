import { expect, test } from '@playwright/test';
import { watchViolations } from './support/csp-watch';
import { waitWidgetReady, widgetFrame, widgetSrc, pasteUrl } from './support/embed-helpers';
import { APP_ORIGIN } from './support/ports';
import { assistantMessages, expectReady, openSettings, closeSettings, send, setSampling } from './support/ui-chat';

/**
 * User story: the app runs under the strict policy it ships with (README, "Deploying"): scripts only from its
 * own origin plus WebAssembly compilation, Trusted Types required, no remote images, no framing of the app.
 */

test.describe('the strict Content-Security-Policy', () => {
  test('is sent for the app, the widget and the service worker, with Trusted Types required', async ({ request }) => {
    const app = (await request.get('/')).headers()['content-security-policy'] ?? '';
    const embed = (await request.get('/?embed')).headers()['content-security-policy'] ?? '';
    const sw = (await request.get('/sw.js')).headers()['content-security-policy'] ?? '';
    for (const policy of [app, embed]) {
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(policy).not.toContain("'unsafe-eval'");
      expect(policy).toContain("img-src 'self' data: blob:");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("base-uri 'none'");
      expect(policy).toContain("require-trusted-types-for 'script'");
      expect(policy).toMatch(/connect-src 'self' http:\/\/localhost:\d+/);
    }
    expect(app).toContain("frame-ancestors 'none'");
    expect(embed).not.toContain('frame-ancestors');
    expect(sw).not.toContain('require-trusted-types-for');
  });

  test('0 violations through load, generate, settings and the model manager @webgpu', async ({ page }) => {
    const watch = await watchViolations(page);
    await page.goto('/');
    const status = page.getByLabel('Model status');
    await expect(status).toContainText('Test model — random weights', { timeout: 90_000 });
    // The webgpu project runs this same story on WebGPU (SwiftShader): the policy must hold there too.
    const backend = test.info().project.name === 'webgpu' ? 'WebGPU' : 'WASM';
    await expect(status).toContainText(backend);
    await setSampling(page, { 'Max tokens': '12' });
    await send(page, 'Hello under a strict policy');
    await expect(assistantMessages(page).last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
    await openSettings(page);
    await expect(page.getByRole('region', { name: 'Model manager' }).getByLabel('Storage usage')).toContainText(
      'used of',
    );
    await closeSettings(page);
    const violations = await watch.all();
    test
      .info()
      .annotations.push({ type: 'tried', description: `load, generate, settings, model manager on ${backend}` });
    expect(violations).toEqual([]);
  });

  test('0 violations in the embedded widget, from load to an answer', async ({ page }) => {
    const watch = await watchViolations(page);
    await page.goto(pasteUrl(`<iframe id="w" src="${widgetSrc()}" style="width:600px;height:300px"></iframe>`));
    const frame = await widgetFrame(page);
    await waitWidgetReady(frame);
    expect(frame.url().startsWith(APP_ORIGIN)).toBe(true);
    expect(await watch.all()).toEqual([]);
  });
});

test('the bundled model still loads', async ({ page }) => {
  await page.goto('/');
  await expectReady(page);
});
