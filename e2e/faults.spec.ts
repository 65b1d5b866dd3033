import { expect, test, type Page, type Worker } from '@playwright/test';
import { pasteUrl, waitWidgetReady, widgetFrame, widgetSrc, type HostWindow } from './support/embed-helpers';
import { APP_ORIGIN, HOST_ORIGIN } from './support/ports';
import { answerText, assistantMessages, expectReady, openApp, send, setSampling } from './support/ui-chat';

/**
 * User story: things break (the worker dies or hangs, its script is gone, a paste is huge, a host sends nonsense)
 * and the app says what happened, keeps what it had, and stays usable.
 */

/** The engine worker (Playwright sees ORT's pthread workers too; the engine is the one named in its URL). */
async function engineWorker(page: Page): Promise<Worker> {
  const engines = () => page.workers().filter((w) => /engine\.worker/.test(w.url()));
  await expect.poll(() => engines().length).toBeGreaterThan(0);
  // The newest: the bridge restarts the worker on a model switch, and a closing one may still be listed.
  return engines().at(-1)!;
}

async function streamSomeText(page: Page) {
  await setSampling(page, { 'Max tokens': '3000' });
  await send(page, 'Tell me a long story');
  const answer = assistantMessages(page).last();
  await expect.poll(async () => (await answerText(answer)).length, { timeout: 30_000 }).toBeGreaterThan(20);
  // Past the prefill: right after a load or generate call the heartbeat allows one long pass (BUSY_HANG_MS).
  await page.waitForTimeout(1500);
  return answer;
}

async function expectRecovered(page: Page, partial: string, answer: ReturnType<typeof assistantMessages>) {
  // The partial answer is kept, marked as stopped; no spinner is left; the model comes back by itself.
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  // Compared as words: the streaming tail is plain text (a leading space, indented lines), the finished
  // answer is rendered markdown (trimmed), so the same text differs only in whitespace between the two.
  const words = (text: string) => text.replace(/\s+/g, ' ').trim();
  expect(words(await answerText(answer)).startsWith(words(partial).slice(0, 20))).toBe(true);
  // One restart is done (the model reloads by itself) or offered (Retry on the banner).
  const status = page.getByLabel('Model status');
  const retry = page.getByRole('alert').getByRole('button', { name: 'Retry' });
  await expect
    .poll(
      async () => {
        if (/Test model/.test((await status.textContent()) ?? '')) return 'ready';
        if (await retry.isVisible()) await retry.click();
        return 'waiting';
      },
      { timeout: 60_000 },
    )
    .toBe('ready');
  await expectReady(page);
  await setSampling(page, { 'Max tokens': '8' });
  await send(page, 'Still there?');
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
}

for (const fault of ['killed', 'hung'] as const) {
  test(`a worker that is ${fault} mid-answer is noticed within ~2 s; the partial answer is kept`, async ({ page }) => {
    await openApp(page);
    const answer = await streamSomeText(page);
    const worker = await engineWorker(page);
    const partial = await answerText(answer);
    const at = Date.now();
    // Neither fault fires the worker's `error` event: only the heartbeat can notice.
    void worker
      .evaluate(
        fault === 'killed'
          ? () => self.close()
          : () => {
              for (;;) {
                /* a worker stuck in a loop */
              }
            },
      )
      .catch(() => undefined);
    const banner = page.getByRole('alert').filter({ hasText: 'WorkerCrashed' });
    await expect(banner).toBeVisible({ timeout: 10_000 });
    const noticedMs = Date.now() - at;
    test.info().annotations.push({ type: 'tried', description: `worker ${fault}; noticed after ${noticedMs} ms` });
    expect(noticedMs).toBeLessThan(4000);
    await expectRecovered(page, partial, answer);
  });
}

test.describe('without a service worker', () => {
  // A 404 after an update is what a page not (yet) controlled by the service worker meets; a controlled page would
  // get the precached script, which page.route cannot see.
  test.use({ serviceWorkers: 'block' });

  test('a worker script that fails to load backs off and shows the cause instead of looping', async ({ page }) => {
    const requests: string[] = [];
    await page.route(/engine\.worker-[\w-]+\.js$/, (route) => {
      requests.push(route.request().url());
      return route.fulfill({ status: 404, body: 'gone after an update' });
    });
    await page.goto('/');
    const banner = page.getByRole('alert').filter({ hasText: 'could not start' });
    await expect(banner).toBeVisible({ timeout: 15_000 });
    // 1 s, 2 s, 4 s: four tries in all, then it stops and says so.
    await expect(banner).toContainText('reload the page', { timeout: 20_000 });
    await page.waitForTimeout(3000);
    test.info().annotations.push({ type: 'tried', description: `worker script 404: ${requests.length} requests` });
    expect(requests.length).toBeLessThanOrEqual(4);
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });
});

test('a 1 MB paste is refused at once with a message; the draft is kept and the app stays usable', async ({ page }) => {
  await openApp(page);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('x'.repeat(1024 * 1024));
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('alert')).toContainText('the limit is 100,000');
  expect(await box.inputValue()).toHaveLength(1024 * 1024);
  expect(await assistantMessages(page).count()).toBe(0);
  await setSampling(page, { 'Max tokens': '8' });
  await send(page, 'A normal message');
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
});

test('the widget answers bad values with InvalidParams and its id, and stays usable', async ({ page }) => {
  await page.goto(
    pasteUrl(`<script>window.received = []; addEventListener('message', (e) => received.push(e.data));</script>
<iframe id="w" src="${widgetSrc({ allowedOrigins: HOST_ORIGIN })}" style="width:600px;height:300px"></iframe>`),
  );
  const frame = await widgetFrame(page);
  await waitWidgetReady(frame);
  const cases: [string, Record<string, unknown>][] = [
    ['temp', { prompt: 'hi', options: { temperature: 99 } }],
    ['topp', { prompt: 'hi', options: { topP: 0 } }],
    ['stops', { prompt: 'hi', options: { stop: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] } }],
    ['big', { messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }],
  ];
  for (const [id, body] of cases) {
    await page.evaluate(
      ([message, target]) =>
        (document.getElementById('w') as HTMLIFrameElement).contentWindow!.postMessage(message, target),
      [{ v: 1, type: 'typewriter:generate', id, ...body }, APP_ORIGIN] as const,
    );
  }
  const errors = () =>
    page.evaluate(() =>
      ((window as unknown as HostWindow).received as { type: string; id?: string; name?: string }[])
        .filter((m) => m.type === 'typewriter:error')
        .map((m) => `${m.id}:${m.name}`),
    );
  await expect
    .poll(errors)
    .toEqual(['temp:InvalidParams', 'topp:InvalidParams', 'stops:InvalidParams', 'big:InvalidParams']);
  // Still usable: odd but valid text (a lone surrogate, NUL, RTL) and repetitionPenalty generate an answer.
  await page.evaluate(
    ([message, target]) =>
      (document.getElementById('w') as HTMLIFrameElement).contentWindow!.postMessage(message, target),
    [
      {
        v: 1,
        type: 'typewriter:generate',
        id: 'ok',
        prompt: 'a\uD800b\u0000 \u05E9\u05DC\u05D5\u05DD',
        options: { maxTokens: 5, repetitionPenalty: 1.2 },
      },
      APP_ORIGIN,
    ] as const,
  );
  await expect
    .poll(() =>
      page.evaluate(() =>
        ((window as unknown as HostWindow).received as { type: string; id?: string }[]).some(
          (m) => m.type === 'typewriter:done' && m.id === 'ok',
        ),
      ),
    )
    .toBe(true);
  test.info().annotations.push({ type: 'tried', description: `${cases.length} bad embed requests, then a valid one` });
});

test('three overlapping loads end with exactly the last one loaded, in the engine and on screen', async ({ page }) => {
  await page.goto('/?harness');
  await page.waitForFunction(() => Boolean((window as unknown as { __typewriter?: unknown }).__typewriter));
  const outcome = await page.evaluate(async () => {
    const tw = (
      window as unknown as {
        __typewriter: {
          bridge: {
            load(spec: unknown, label: string): Promise<{ ok: boolean; result?: { modelId: string; dtype: string } }>;
          };
          engine: { status(): Promise<{ model: { modelId: string; dtype: string } | null }> };
          store: { getState(): { model: { status: string; label: string; result: { modelId: string } | null } } };
        };
      }
    ).__typewriter;
    const specs = [
      { source: { kind: 'url', url: '/models/demo/' }, dtype: 'fp32', backend: 'wasm' },
      { source: { kind: 'url', url: '/models/demo/' }, dtype: 'q8', backend: 'wasm' },
      { source: { kind: 'url', url: '/models/eos-test/' }, dtype: 'fp32', backend: 'wasm' },
    ];
    const results = await Promise.all(specs.map((s, i) => tw.bridge.load(s, `load ${i}`)));
    const model = tw.store.getState().model;
    return {
      results: results.map((r) => (r.ok && r.result ? `${r.result.modelId}/${r.result.dtype}` : null)),
      engine: (await tw.engine.status()).model,
      shown: { status: model.status, label: model.label, id: model.result?.modelId },
    };
  });
  test
    .info()
    .annotations.push({ type: 'tried', description: `3 overlapping loads: ${JSON.stringify(outcome.results)}` });
  expect(outcome.results.slice(0, 2)).toEqual([null, null]);
  expect(outcome.results[2]).toMatch(/eos-test\/*\/fp32$/);
  expect(outcome.engine?.modelId).toContain('eos-test');
  expect(outcome.shown).toMatchObject({ status: 'ready', label: 'load 2' });
  expect(outcome.shown.id).toContain('eos-test');
});
