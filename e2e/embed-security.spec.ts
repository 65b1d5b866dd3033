import { expect, test, type Page } from '@playwright/test';
import {
  pasteUrl,
  waitWidgetReady,
  widgetFrame,
  widgetSrc,
  widgetState,
  type HostWindow,
} from './support/embed-helpers';
import { APP_ORIGIN, HOST_ORIGIN, HOST_PORT } from './support/ports';

const GENERATE = { v: 1, type: 'typewriter:generate', id: 'attack', prompt: 'Hi', options: { maxTokens: 20 } };

/** A host page with the widget in an iframe that records every message it receives. */
function hostPage(widgetUrl: string, extra = ''): string {
  return `<!doctype html><meta charset="utf-8"><title>Host</title>
<script>window.received = []; addEventListener('message', (e) => received.push({ origin: e.origin, data: e.data }));</script>
<iframe id="w" src="${widgetUrl}" style="width:600px;height:300px"></iframe>${extra}`;
}

const received = (page: Page) =>
  page.evaluate(() => (window as unknown as HostWindow).received as { data: { type: string } }[]);
const postToWidget = (page: Page, data: unknown) =>
  page.evaluate(
    ([message, target]) =>
      (document.getElementById('w') as HTMLIFrameElement).contentWindow!.postMessage(message, target),
    [data, APP_ORIGIN] as const,
  );

async function expectNothingHappened(page: Page, frame: Awaited<ReturnType<typeof widgetFrame>>) {
  await page.waitForTimeout(1000);
  const state = await widgetState(frame);
  expect(state.generations).toBe(0);
  expect(state.phase).toBe('ready');
  expect((await received(page)).filter((m) => m.data?.type === 'typewriter:token')).toEqual([]);
  return state;
}

test.describe('The widget refuses commands from senders it does not trust', () => {
  test('a parent on a non-allowed origin cannot generate, and hears nothing', async ({ page }) => {
    const otherOrigin = `http://127.0.0.1:${HOST_PORT}`; // a different origin from the allowed localhost one
    await page.goto(pasteUrl(hostPage(widgetSrc({ allowedOrigins: HOST_ORIGIN })), otherOrigin));
    const frame = await widgetFrame(page);
    await waitWidgetReady(frame);
    await postToWidget(page, GENERATE);
    const state = await expectNothingHappened(page, frame);
    expect(state.debugLog).toContainEqual(expect.objectContaining({ kind: 'refused-origin', origin: otherOrigin }));
    // Not even ready/progress/resize: the parent origin is not allowed, so the widget posts nothing.
    expect(await received(page)).toEqual([]);
  });

  test('a look-alike of an allowed origin is refused', async ({ page }) => {
    const lookAlike = HOST_ORIGIN.slice(0, -1); // http://localhost:530 is a prefix of http://localhost:5302
    await page.goto(pasteUrl(hostPage(widgetSrc({ allowedOrigins: lookAlike }))));
    const frame = await widgetFrame(page);
    await waitWidgetReady(frame);
    await postToWidget(page, GENERATE);
    const state = await expectNothingHappened(page, frame);
    expect(state.debugLog).toContainEqual(expect.objectContaining({ kind: 'refused-origin', origin: HOST_ORIGIN }));
    expect(await received(page)).toEqual([]);
  });

  test('a null-origin parent and a sandboxed sibling frame are refused', async ({ page }) => {
    // The widget's parent is a data: frame (opaque origin 'null'); a sandboxed sibling posts too.
    const inner = `<iframe id="w" src="${widgetSrc({ allowedOrigins: HOST_ORIGIN })}"></iframe>`;
    const sibling = `<script>setTimeout(() => parent.frames[0].frames[0].postMessage(${JSON.stringify(GENERATE)}, '*'), 0)</script>`;
    await page.goto(
      pasteUrl(
        `<!doctype html><iframe id="nullparent" src="data:text/html,${encodeURIComponent(inner)}"></iframe>` +
          `<iframe id="sibling" sandbox="allow-scripts"></iframe>`,
      ),
    );
    const frame = await widgetFrame(page);
    await waitWidgetReady(frame);
    const nullParent = frame.parentFrame()!;
    await nullParent.evaluate((message) => {
      (document.getElementById('w') as HTMLIFrameElement).contentWindow!.postMessage(message, '*');
    }, GENERATE);
    await page.locator('#sibling').evaluate((el, html) => ((el as HTMLIFrameElement).srcdoc = html), sibling);
    await expect
      .poll(async () => (await widgetState(frame)).debugLog.map((e) => `${e.kind} ${e.origin}`))
      .toEqual(expect.arrayContaining(['refused-origin null', 'refused-source null']));
    const state = await widgetState(frame);
    expect(state.generations).toBe(0);
    expect(state.phase).toBe('ready');
  });

  test('malformed messages and unknown versions are ignored and logged; a valid one then works', async ({ page }) => {
    await page.goto(pasteUrl(hostPage(widgetSrc({ allowedOrigins: HOST_ORIGIN }))));
    const frame = await widgetFrame(page);
    await waitWidgetReady(frame);
    const bad = [
      'typewriter:generate',
      { ...GENERATE, v: 2 },
      { ...GENERATE, v: undefined },
      { v: 1, type: 'typewriter:generate', prompt: 'no id' },
      { v: 1, type: 'typewriter:generate', id: 'x', prompt: 42 },
      { v: 1, type: 'typewriter:generate', id: 'x', prompt: 'Hi', options: { maxTokens: 'all' } },
      { v: 1, type: 'typewriter:explode', id: 'x' },
    ];
    for (const message of bad) await postToWidget(page, message);
    const state = await expectNothingHappened(page, frame);
    expect(state.debugLog.filter((e) => e.kind === 'malformed')).toHaveLength(bad.length);
    expect(state.debugLog.some((e) => /version/.test(e.detail))).toBe(true);

    await postToWidget(page, { ...GENERATE, id: 'valid' });
    await expect
      .poll(async () => (await received(page)).filter((m) => m.data?.type === 'typewriter:done').length)
      .toBe(1);
    const tokens = (await received(page)).filter((m) => m.data?.type === 'typewriter:token');
    expect(tokens).toHaveLength(20);
    expect((await widgetState(frame)).generations).toBe(1);
  });
});

test('a sandboxed iframe without allow-same-origin explains what the host must change', async ({ page }) => {
  const html = `<!doctype html><meta charset="utf-8"><title>Host</title>
<iframe id="w" sandbox="allow-scripts" src="${widgetSrc()}" style="width:600px;height:300px"></iframe>`;
  await page.goto(pasteUrl(html));
  let frame: ReturnType<Page['frames']>[number] | undefined;
  await expect
    .poll(() => (frame = page.frames().find((f) => f.url().startsWith(`${APP_ORIGIN}/?embed`))) !== undefined)
    .toBe(true);
  await expect(frame!.getByText(/allow-same-origin/)).toBeVisible();
  await expect(frame!.getByRole('button', { name: 'Send' })).toHaveCount(0);
});
