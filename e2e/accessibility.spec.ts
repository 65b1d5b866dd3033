import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { closeSettings, expectReady, openSettings, send, setSampling } from './support/ui-chat';

/**
 * User story: someone using a screen reader, the keyboard, a dark theme or a phone can use every
 * state of the app and the widget. axe-core (WCAG 2.1 A/AA) finds no serious or critical
 * violation in any of them, and the streamed answer reaches the live region in calm chunks.
 */

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const VARIANTS = [
  { scheme: 'light', width: 1280, height: 800 },
  { scheme: 'dark', width: 360, height: 740 },
  { scheme: 'dark', width: 1280, height: 800 },
  { scheme: 'light', width: 360, height: 740 },
] as const;

type Found = { state: string; id: string; impact: string; help: string; targets: string[] };

async function scan(page: Page, state: string, found: Found[], include?: string): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(WCAG);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  for (const v of violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    found.push({ state, id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) });
  }
}

for (const { scheme, width, height } of VARIANTS) {
  test(`no serious or critical axe violations in any app state: ${scheme}, ${width} px`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width, height });
    const found: Found[] = [];

    // Loading: the weights are held back until the scan is done.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/models/demo/onnx/model.onnx', async (route) => {
      await held;
      await route.continue().catch(() => {});
    });
    await page.goto('/');
    await expect(page.getByRole('region', { name: 'Model loading' })).toBeVisible();
    await scan(page, 'loading', found);
    release();
    await expectReady(page);
    await page.unroute('**/models/demo/onnx/model.onnx');
    await scan(page, 'idle', found);

    // Streaming, paused, stopped: a long answer, scanned while it runs.
    await setSampling(page, { 'Max tokens': '3000' });
    await send(page, 'Tell me a long story.');
    await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
    await scan(page, 'streaming', found);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    await scan(page, 'paused', found);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(page.getByText('Stopped — partial answer')).toBeVisible();
    await scan(page, 'stopped', found);

    // Error: an out-of-range setting is refused with a named banner.
    await setSampling(page, { 'Top-p': '2' });
    await send(page, 'Again');
    await expect(page.getByRole('alert').first()).toContainText('InvalidParams');
    await scan(page, 'error', found);
    await setSampling(page, { 'Top-p': '0.95' });

    // Settings, with the model manager inside it.
    const settings = await openSettings(page);
    await expect(settings.getByRole('region', { name: 'Model manager' })).toBeVisible();
    await scan(page, 'settings and model manager', found);
    await closeSettings(page);

    // The Embed dialog.
    await page.getByRole('button', { name: 'Embed' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await scan(page, 'embed dialog', found);
    await page.keyboard.press('Escape');

    // The Developer dialog (the OpenAI-compatible API snippet).
    await page.getByRole('button', { name: 'Developer' }).click();
    await expect(page.getByRole('dialog', { name: 'OpenAI-compatible API' })).toBeVisible();
    await scan(page, 'developer dialog', found);
    await page.keyboard.press('Escape');

    // The embed widget, on its own page, after a short answer.
    await page.goto('/?embed&model=demo&prompt=Hello&autostart=true&maxTokens=16');
    await expect(page.getByRole('log', { name: 'Output' })).not.toBeEmpty({ timeout: 60_000 });
    await expect(page.getByRole('button', { name: 'Stop' })).toBeDisabled();
    await scan(page, 'embed widget', found);

    expect(found).toEqual([]);
  });
}

test('the streamed answer is announced politely in chunks, not token by token', async ({ page }) => {
  await page.goto('/');
  await expectReady(page);
  // What a screen reader gets: the transcript log is silent; one polite atomic region speaks.
  await expect(page.getByRole('log', { name: 'Conversation' })).toHaveAttribute('aria-live', 'off');
  const live = page.locator('[aria-live="polite"][aria-atomic="true"]');
  await expect(live).toHaveCount(1);
  await page.evaluate(() => {
    const region = document.querySelector('[aria-live="polite"][aria-atomic="true"]')!;
    const w = window as unknown as { __announced: string[] };
    w.__announced = [];
    new MutationObserver(() => w.__announced.push(region.textContent ?? '')).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await setSampling(page, { 'Max tokens': '600' });
  await send(page, 'Tell me a story.');
  await expect(page.getByText(/reached max tokens|finished/)).toBeVisible({ timeout: 60_000 });
  await page.waitForFunction(
    () => (window as unknown as { __announced: string[] }).__announced.at(-1)?.endsWith('Done.'),
    null,
    {
      timeout: 10_000,
    },
  );
  const announced = await page.evaluate(() => (window as unknown as { __announced: string[] }).__announced);
  const tokens = await page.evaluate(
    () =>
      (
        window as unknown as { __typewriter: { store: { getState(): { generation: { tokens: number } } } } }
      ).__typewriter.store.getState().generation.tokens,
  );
  // A few multi-word chunks, each new text only, ending with the outcome.
  expect(announced.length).toBeGreaterThan(0);
  expect(announced.length).toBeLessThan(tokens / 20);
  expect(announced.at(-1)).toMatch(/Done\.$/);
  expect(announced.filter((a) => a.split(/\s+/).length < 3)).toEqual([]);
});
