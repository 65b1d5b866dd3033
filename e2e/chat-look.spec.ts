import { expect, test } from '@playwright/test';
import { HUB_PORT } from './support/ports';
import {
  assistantMessages,
  answerText,
  closeSettings,
  expectReady,
  openApp,
  openSettings,
  screenshot,
  send,
  setSampling,
} from './support/ui-chat';

/**
 * User story: whatever happens (a slow download, a cancelled load, a model
 * that does not exist, a dark system theme, a phone-sized screen) the person
 * sees what is going on and is never left with a spinner.
 */

test('loading shows phase, bytes and a Cancel that ends the load', async ({ page }) => {
  // Hold the weights back so the loading state is visible long enough to look at.
  await page.route('**/models/demo/onnx/model.onnx', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await route.continue().catch(() => {});
  });
  await page.goto('/');
  const loading = page.getByRole('region', { name: 'Model loading' });
  await expect(loading).toBeVisible();
  await expect(loading).toContainText('Loading Bundled test model');
  await expect(loading.getByRole('progressbar')).toBeVisible();
  await screenshot(page, 'loading');
  await loading.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Loading cancelled.')).toBeVisible();
  await expect(loading).toHaveCount(0);
  await expect(page.getByLabel('Model status')).toContainText('No model');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();

  // The bundled model can be loaded again from Settings.
  await page.unroute('**/models/demo/onnx/model.onnx');
  const settings = await openSettings(page);
  await settings.getByRole('button', { name: /^Load model/ }).click();
  await closeSettings(page);
  await expectReady(page);
});

test('a model that cannot be fetched ends in a named error banner with Retry', async ({ page }) => {
  await openApp(page);
  const settings = await openSettings(page);
  // Nothing listens on this port: the host is unreachable, and no request leaves localhost.
  await settings.getByLabel('Model host').fill(`http://localhost:${HUB_PORT + 90}`);
  await settings.getByLabel('Any Hub model id').fill('nobody/does-not-exist');
  await settings.getByRole('button', { name: 'Load this model (size unknown)' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(/^\w+: /);
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Model loading' })).toHaveCount(0);
  await closeSettings(page);
  await screenshot(page, 'error');
});

test('an out-of-range setting shows the limit next to the field and blocks sending', async ({ page }) => {
  await openApp(page);
  const settings = await openSettings(page);
  await settings.getByLabel('Top-p', { exact: true }).fill('0');
  await expect(settings.getByText(/^topP must be greater than 0 and at most 1/)).toBeVisible();
  await expect(settings.getByLabel('Top-p', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await closeSettings(page);
  await send(page, 'Hello');
  await expect(page.getByRole('alert')).toContainText('InvalidParams: topP must be');
  await expect(assistantMessages(page)).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('Hello');
});

test('dark theme and a 360 px wide screen stay readable', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  await setSampling(page, { 'Max tokens': '40' });
  await send(page, 'Show me the dark theme');
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(21, 21, 20)');
  await screenshot(page, 'dark');

  await page.setViewportSize({ width: 360, height: 740 });
  await expect(page.getByRole('button', { name: 'Chats' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect((await answerText(assistantMessages(page).first())).length).toBeGreaterThan(0);
  await screenshot(page, 'narrow-360-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await screenshot(page, 'narrow-360');
  await page.getByRole('button', { name: 'Settings' }).click();
  await screenshot(page, 'narrow-360-settings');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
