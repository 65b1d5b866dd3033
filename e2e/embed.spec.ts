import { expect, test } from '@playwright/test';
import { hostEvents, mountSdk, pasteUrl, waitWidgetReady, widgetFrame, type HostWindow } from './support/embed-helpers';
import { APP_ORIGIN, HOST_ORIGIN } from './support/ports';

test.describe('Embedding Typewriter on another site through the SDK', () => {
  test('a host page streams tokens in order and they add up to the done text', async ({ page }) => {
    const ready = await mountSdk(page, { model: 'demo' });
    expect(ready).toMatchObject({ model: 'demo', randomWeights: true });

    const result = await page.evaluate(async () => {
      const w = window as unknown as HostWindow;
      const handle = w.tw.generate('Tell me a story', { maxTokens: 40, temperature: 0 });
      const iterated: { text: string; index: number }[] = [];
      for await (const token of handle) iterated.push({ text: token.text, index: token.index });
      return { id: handle.id, iterated, done: await handle.done };
    });

    const events = await hostEvents(page, 'token');
    const indices = events.map((e) => e.index);
    expect(indices).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(events.every((e) => e.id === result.id)).toBe(true);
    expect(result.iterated.map((t) => t.index)).toEqual(indices);
    expect(result.done.reason).toBe('length'); // the demo model never emits EOS
    expect(result.iterated.map((t) => t.text).join('')).toBe(result.done.text);
    expect(events.map((e) => e.text).join('')).toBe(result.done.text);
    const stats = await hostEvents(page, 'stats');
    expect(stats.at(-1)).toMatchObject({ id: result.id, tokens: 40 });
    // The widget shows the same text in its live log.
    const frame = await widgetFrame(page);
    await expect(frame.getByRole('log')).toHaveText(result.done.text.trim(), { useInnerText: true });
  });

  test('pause holds tokens back for a second, resume continues, stop ends with "stopped"', async ({ page }) => {
    await mountSdk(page);
    await page.evaluate(() => {
      const w = window as unknown as HostWindow;
      (w as unknown as { handle: unknown }).handle = w.tw.generate('Count', { maxTokens: 5000 });
    });
    const tokenCount = async () => (await hostEvents(page, 'token')).length;
    await expect.poll(tokenCount).toBeGreaterThan(5);

    await page.evaluate(() => (window as unknown as HostWindow).tw.pause());
    const frame = await widgetFrame(page);
    await expect(frame.getByRole('button', { name: 'Resume' })).toBeVisible();
    await page.waitForTimeout(300); // tokens already in flight before the pause land
    const pausedAt = await tokenCount();
    await page.waitForTimeout(1200);
    expect(await tokenCount()).toBe(pausedAt);

    await page.evaluate(() => (window as unknown as HostWindow).tw.resume());
    await expect(frame.getByRole('button', { name: 'Pause' })).toBeVisible();
    await expect.poll(tokenCount).toBeGreaterThan(pausedAt + 5);

    await page.evaluate(() => (window as unknown as HostWindow).tw.stop());
    const done = await page.evaluate(
      () => (window as unknown as { handle: { done: Promise<{ reason: string; text: string }> } }).handle.done,
    );
    expect(done.reason).toBe('stopped');
    const tokens = await hostEvents(page, 'token');
    expect(tokens.length).toBeLessThan(5000);
    expect(tokens.map((t) => t.text).join('')).toBe(done.text);
  });

  test('works on a host page that is not cross-origin isolated: single-threaded WASM', async ({ page }) => {
    const ready = await mountSdk(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(ready).toMatchObject({ backend: 'wasm', threads: 1, crossOriginIsolated: false });
    const frame = await widgetFrame(page);
    expect(await frame.evaluate(() => crossOriginIsolated)).toBe(false);
    const done = await page.evaluate(() => (window as unknown as HostWindow).tw.generate('Hi', { maxTokens: 8 }).done);
    expect(done.reason).toBe('length');
  });

  test('the iframe height follows the content as it grows and shrinks', async ({ page }) => {
    await mountSdk(page, { input: false });
    const iframeHeight = () => page.locator('#widget iframe').evaluate((el) => el.getBoundingClientRect().height);
    const frame = await widgetFrame(page);
    const contentHeight = () =>
      frame.evaluate(() => Math.ceil(document.querySelector('.tw-embed')!.getBoundingClientRect().height));
    await expect.poll(async () => (await iframeHeight()) - (await contentHeight())).toBe(0);
    const before = await iframeHeight();

    const generate = (maxTokens: number) =>
      page.evaluate((n) => (window as unknown as HostWindow).tw.generate('Write', { maxTokens: n }).done, maxTokens);
    await generate(600);
    await expect.poll(iframeHeight).toBeGreaterThan(before + 50);
    await expect.poll(async () => (await iframeHeight()) - (await contentHeight())).toBe(0);
    const tall = await iframeHeight();

    await generate(1); // a new generation clears the output: the frame shrinks with it
    await expect.poll(iframeHeight).toBeLessThan(tall - 50);
    await expect.poll(async () => (await iframeHeight()) - (await contentHeight())).toBe(0);
  });

  test('the snippet from the Embed dialog works when pasted into a blank page on another site', async ({ page }) => {
    await page.goto(`${APP_ORIGIN}/`);
    await page.getByRole('button', { name: 'Embed' }).click();
    const dialog = page.getByRole('dialog');
    const snippet = await dialog.getByRole('textbox', { name: 'Embed snippet' }).inputValue();
    expect(snippet).toContain(`${APP_ORIGIN}/embed/typewriter-embed.js`);

    await page.goto(pasteUrl(`<!doctype html><meta charset="utf-8"><title>Blank</title>${snippet}`));
    expect(new URL(page.url()).origin).toBe(HOST_ORIGIN);
    const frame = await widgetFrame(page);
    await waitWidgetReady(frame);
    // The snippet's controller (a global `typewriter`) hears the generation the visitor starts.
    await page.evaluate("window.heard = []; typewriter.on('token', (t) => heard.push(t.text))");
    await frame.getByRole('textbox', { name: 'Message' }).fill('Hello from the pasted snippet');
    await frame.getByRole('button', { name: 'Send' }).click();
    await expect(frame.getByRole('button', { name: 'Stop' })).toBeEnabled();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { heard: string[] }).heard.length))
      .toBeGreaterThan(5);
    await expect.poll(() => frame.getByRole('log').innerText()).not.toBe('');
  });
});
