import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  bridgeLoad,
  generateTokens,
  hubSpec,
  modelCacheUrls,
  uniqueRepo,
  waitForController,
} from './support/pwa-helpers';
import { HUB_PORT } from './support/ports';

/** The model manager lives in the settings panel. */
async function openSettings(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Settings' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

const DEMO = resolve(import.meta.dirname, '..', 'public', 'models', 'demo');

test.describe('model manager', () => {
  test('deleting a downloaded model unloads it and removes every cache entry', async ({ page }) => {
    await page.goto('/');
    await waitForController(page);
    const repo = uniqueRepo('manager');
    expect(await bridgeLoad(page, hubSpec(repo))).not.toBeNull();
    const key = `localhost:${HUB_PORT}/${repo}`;
    await openSettings(page);
    const manager = page.getByRole('region', { name: 'Model manager' });
    // The manager refreshes after a load; the row shows the repo and its size.
    await expect(manager.locator(`[data-model-key="${key}"]`)).toContainText(/1\.\d MB/);
    await expect(manager.getByLabel('Storage usage')).toContainText('used of');

    await manager.getByRole('button', { name: `Delete ${key}` }).click();
    await expect(manager.locator(`[data-model-key="${key}"]`)).toHaveCount(0);
    expect((await modelCacheUrls(page)).filter((u) => u.includes(repo))).toEqual([]);
    const status = await page.evaluate(() =>
      (
        window as unknown as { __typewriter: { engine: { status(): Promise<{ model: unknown }> } } }
      ).__typewriter.engine.status(),
    );
    expect(status.model).toBeNull();
  });
});

test.describe('model folder from disk', () => {
  let folders: string;
  test.beforeAll(() => {
    folders = mkdtempSync(join(tmpdir(), 'pwa-folders-'));
    cpSync(DEMO, join(folders, 'demo'), { recursive: true });
    cpSync(DEMO, join(folders, 'no-tokenizer'), { recursive: true });
    rmSync(join(folders, 'no-tokenizer', 'tokenizer.json'));
    cpSync(DEMO, join(folders, 'bad-config'), { recursive: true });
    writeFileSync(join(folders, 'bad-config', 'config.json'), '{ "model_type": ');
  });
  test.afterAll(() => rmSync(folders, { recursive: true, force: true }));

  test('a picked folder loads and generates with no network at all', async ({ page, context }) => {
    await page.goto('/');
    await waitForController(page);
    const attempts: string[] = [];
    await context.setOffline(true);
    await context.route('**/*', (route) => {
      attempts.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    await openSettings(page);
    await page.getByLabel('Model folder').setInputFiles(join(folders, 'demo'));
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const tw = (
            window as unknown as {
              __typewriter: { engine: { status(): Promise<{ state: string; model: { modelId: string } | null }> } };
            }
          ).__typewriter;
          // Ready, not only named: the model is known before its warm-up answers have run.
          const status = await tw.engine.status();
          return status.state === 'ready' ? (status.model?.modelId ?? null) : null;
        }),
      )
      .toBe('demo');
    expect((await generateTokens(page, 12)).ids).toHaveLength(12);
    expect(attempts).toEqual([]);
  });

  for (const [folder, file] of [
    ['no-tokenizer', 'tokenizer.json'],
    ['bad-config', 'config.json'],
  ] as const) {
    test(`a folder with a missing or invalid ${file} is refused, naming it`, async ({ page }) => {
      await page.goto('/');
      await openSettings(page);
      await page.getByLabel('Model folder').setInputFiles(join(folders, folder));
      const alert = page.getByRole('region', { name: 'Model manager' }).getByRole('alert');
      await expect(alert).toContainText(file);
      await expect(alert).toContainText(/ModelFileMissing|NotAModelFile/);
    });
  }
});
