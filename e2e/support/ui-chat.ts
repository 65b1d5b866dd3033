import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Helpers for the chat UI stories: everything goes through accessible names, as a user would. */

const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png` });
}

/** Opens the app and waits until the bundled model reports ready, with its backend badge. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expectReady(page);
}

export async function expectReady(page: Page): Promise<void> {
  const status = page.getByLabel('Model status');
  await expect(status).toContainText('Test model — random weights', { timeout: 60_000 });
  await expect(status).toContainText(/WASM · \d+ threads?/);
  await expect(status).toContainText(/WASM — /);
}

export async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('complementary', { name: 'Settings' });
}

export async function closeSettings(page: Page): Promise<void> {
  await page.getByRole('complementary', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
}

export async function setSampling(page: Page, values: Record<string, string>): Promise<void> {
  const panel = await openSettings(page);
  for (const [label, value] of Object.entries(values)) await panel.getByLabel(label, { exact: true }).fill(value);
  await closeSettings(page);
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

export function assistantMessages(page: Page): Locator {
  return page.getByRole('log').getByRole('article', { name: 'Assistant' });
}

export function userMessages(page: Page): Locator {
  return page.getByRole('log').getByRole('article', { name: 'You' });
}

/** The rendered answer text only (no badges or footers). */
export function answerText(message: Locator): Promise<string> {
  return message.evaluate((el) => [...el.querySelectorAll('.md-block')].map((b) => b.textContent ?? '').join('\n'));
}

/** Forward passes the engine has run: proves pause runs none. */
export function forwardPasses(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const tw = (window as unknown as { __typewriter: { engine: { status(): Promise<{ forwardPasses: number }> } } })
      .__typewriter;
    return (await tw.engine.status()).forwardPasses;
  });
}

/** A field of the live generation state in the page's store. */
export function generationField<T>(page: Page, field: string): Promise<T> {
  return page.evaluate((f) => {
    const tw = (
      window as unknown as { __typewriter: { store: { getState(): { generation: Record<string, unknown> } } } }
    ).__typewriter;
    return tw.store.getState().generation[f] as T;
  }, field);
}
