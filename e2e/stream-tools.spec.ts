import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { HUB_ORIGIN, HUB_PORT } from './support/ports';
import {
  answerText,
  assistantMessages,
  closeSettings,
  expectReady,
  generationField,
  openApp,
  openSettings,
  send,
  setSampling,
} from './support/ui-chat';

/**
 * User story: someone watching answers stream wants to understand and shape them:
 * live text analysis beside the stats, words redacted from what they see, the
 * display paced like a typewriter, and the run's events exported for analysis.
 */

/** The spec's own statement of the analysis definitions (see src/streams/analysis.ts), computed independently. */
function expectedAnalysis(text: string) {
  const words = text.match(/[\p{L}\p{N}'_]+/gu) ?? [];
  const sentences = text
    .split(/[.!?…]+/u)
    .filter((part, i, all) => /[\p{L}\p{N}'_]/u.test(part) && (i < all.length - 1 || part.length > 0)).length;
  const avg = words.length ? words.reduce((n, w) => n + w.length, 0) / words.length : 0;
  return {
    words: String(words.length),
    unique: String(new Set(words.map((w) => w.toLowerCase())).size),
    sentences: String(sentences),
    avg: avg.toFixed(1),
  };
}

const analysisCell = (page: Page, key: string) =>
  page.getByRole('region', { name: 'Stream analysis' }).locator(`[data-analysis="${key}"]`);

async function lastAnswerDone(page: Page): Promise<Locator> {
  const answer = assistantMessages(page).last();
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  return answer;
}

async function downloadsOf(page: Page, click: () => Promise<void>, count: number): Promise<Map<string, string>> {
  const downloads: Download[] = [];
  const onDownload = (d: Download) => downloads.push(d);
  page.on('download', onDownload);
  await click();
  await expect.poll(() => downloads.length).toBe(count);
  page.off('download', onDownload);
  const files = new Map<string, string>();
  for (const d of downloads) files.set(d.suggestedFilename(), readFileSync((await d.path()) ?? '', 'utf8'));
  return files;
}

test('live analysis matches the answer, and a redacted word never reaches the screen', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { Temperature: '0', Seed: '7', 'Max tokens': '80' });
  await send(page, 'Hello');
  const answer = await lastAnswerDone(page);
  const raw = await generationField<string>(page, 'text');
  const expected = expectedAnalysis(raw);
  await expect(analysisCell(page, 'words')).toHaveText(expected.words);
  await expect(analysisCell(page, 'unique-words')).toHaveText(expected.unique);
  await expect(analysisCell(page, 'sentences')).toHaveText(expected.sentences);
  await expect(analysisCell(page, 'avg-word-length')).toHaveText(expected.avg);
  await expect(analysisCell(page, 'chars-per-second')).toHaveText(/^\d+(\.\d)?$/);
  await expect(answer.getByLabel('Answer analysis')).toContainText(
    `${expected.words} words · ${expected.unique} unique · ${expected.sentences} sentences`,
  );

  // A word the greedy run really wrote, as shown on screen.
  const shown = await answerText(answer);
  const candidates = (shown.match(/\p{L}{4,}/gu) ?? []).filter(
    (w) => raw.includes(w) && !'hello'.includes(w.toLowerCase()),
  );
  const word = candidates.sort((a, b) => b.length - a.length)[0] ?? '';
  expect(word.length).toBeGreaterThanOrEqual(4);

  const panel = await openSettings(page);
  await panel.getByLabel('Redact words').fill(word);
  await closeSettings(page);
  // Already-finished answers are redacted too.
  await expect(page.getByRole('log')).not.toContainText(word);

  // Watch every DOM change while the same greedy answer streams again.
  await page.evaluate((w) => {
    const log = document.querySelector('[role="log"]')!;
    const state = window as unknown as { __sawWord: boolean };
    state.__sawWord = false;
    new MutationObserver(() => {
      if ((log.textContent ?? '').toLowerCase().includes(w.toLowerCase())) state.__sawWord = true;
    }).observe(log, { subtree: true, childList: true, characterData: true });
  }, word);
  const firstRequest = await generationField<string>(page, 'requestId');
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect.poll(() => generationField<string>(page, 'requestId')).not.toBe(firstRequest);
  const again = await lastAnswerDone(page);
  expect(await generationField<string>(page, 'text')).toBe(raw); // same seed, same greedy text, word included
  expect(await page.evaluate(() => (window as unknown as { __sawWord: boolean }).__sawWord)).toBe(false);
  expect((await page.getByRole('log').textContent())?.toLowerCase()).not.toContain(word.toLowerCase());
  await expect(again).toContainText('█'.repeat(word.length));
});

test('Export analytics downloads NDJSON events and JSON analytics that match the run; SSE round-trips', async ({
  page,
}) => {
  await openApp(page);
  await setSampling(page, { 'Max tokens': '40' });
  await send(page, 'Export me');
  await lastAnswerDone(page);
  const text = await generationField<string>(page, 'text');
  const requestId = await generationField<string>(page, 'requestId');
  const stats = await generationField<{ tokens: number; ttftMs: number; averageDecodeTokPerS: number }>(page, 'stats');

  const files = await downloadsOf(page, () => page.getByRole('button', { name: 'Export analytics' }).click(), 2);
  const names = [...files.keys()].sort();
  expect(names[0]).toMatch(/^typewriter-analytics-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
  expect(names[1]).toMatch(/^typewriter-events-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.ndjson$/);

  const events = (files.get(names[1] ?? '') ?? '')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.requestId === requestId);
  const tokens = events.filter((e) => e.type === 'token');
  expect(tokens.map((e) => e.text).join('')).toBe(text);
  expect(tokens).toHaveLength(stats.tokens);
  expect(tokens.map((e) => e.index)).toEqual([...Array(stats.tokens).keys()]);
  expect(events[0]).toMatchObject({ type: 'start', owner: 'chat', backend: 'wasm' });
  expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'length', text });
  for (const e of events) expect(typeof e.t).toBe('number');

  const report = JSON.parse(files.get(names[0] ?? '') ?? '') as {
    session: { generations: number; succeeded: number; successRate: number; averageTtftMs: number };
    generations: { requestId: string; tokens: number; ttftMs: number; tokensPerSecond: number; outcome: string }[];
  };
  const run = report.generations.find((g) => g.requestId === requestId);
  expect(run).toMatchObject({ outcome: 'success', tokens: stats.tokens, ttftMs: stats.ttftMs });
  expect(run?.tokensPerSecond).toBeCloseTo(stats.averageDecodeTokPerS, 6);
  expect(report.session).toMatchObject({ generations: 1, succeeded: 1, successRate: 1 });

  const sse = await downloadsOf(page, () => page.getByRole('button', { name: 'Export SSE transcript' }).click(), 1);
  const [sseName, body] = [...sse.entries()][0] ?? ['', ''];
  expect(sseName).toMatch(/^typewriter-transcript-.*\.sse$/);
  const data = body
    .split('\n\n')
    .filter(Boolean)
    .map((block) => block.replace(/^data: /, ''));
  expect(data.at(-1)).toBe('[DONE]');
  const chunks = data
    .slice(0, -1)
    .map(
      (d) =>
        JSON.parse(d) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[] },
    );
  expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(text);
  expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
});

test('Pacing "calm" visibly slows the display, and the final text is the same as unpaced', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { Temperature: '0', 'Max tokens': '1500' });

  async function run(start: () => Promise<void>): Promise<{ early: number; final: string }> {
    const before = await generationField<string | null>(page, 'requestId');
    await start();
    await expect.poll(() => generationField<string>(page, 'requestId')).not.toBe(before);
    const answer = assistantMessages(page).last();
    await expect.poll(async () => (await answerText(answer)).length, { intervals: [10] }).toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    const early = (await answerText(answer)).length;
    await lastAnswerDone(page);
    return { early, final: await answerText(assistantMessages(page).last()) };
  }

  const unpaced = await run(() => send(page, 'Type slowly'));
  const panel = await openSettings(page);
  await panel.getByLabel('Pacing', { exact: true }).selectOption('calm');
  await closeSettings(page);
  const calm = await run(() => page.getByRole('button', { name: 'Regenerate' }).click());

  expect(calm.early).toBeLessThan(unpaced.early / 2);
  expect(calm.final).toBe(unpaced.final);

  // The setting survives a reload.
  await page.reload();
  const again = await openSettings(page);
  await expect(again.getByLabel('Pacing', { exact: true })).toHaveValue('calm');
});

type ModelView = { label: string; status: string; result: { loadMs: number } | null };
const modelState = (page: Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as { __typewriter: { store: { getState(): { model: ModelView } } } }
      ).__typewriter.store.getState().model,
  );
/** The load time of the model the store holds: the same number means the same load, not a reload. */
const loadedModelMs = async (page: Page) => (await modelState(page)).result?.loadMs ?? null;

test('an unreachable model is retried with backoff, and the model loaded before stays, with a Retry', async ({
  page,
}) => {
  await openApp(page);
  const before = await page.getByLabel('Model status').textContent();
  const loadedAt = await loadedModelMs(page);
  const settings = await openSettings(page);
  // Nothing listens on this port: every try fails fast, and no request leaves localhost.
  await settings.getByLabel('Model host').fill(`http://localhost:${HUB_PORT + 90}`);
  await settings.getByLabel('Any Hub model id').fill('nobody/unreachable');
  await settings.getByRole('button', { name: 'Load this model (size unknown)' }).click();
  await closeSettings(page);

  const loading = page.getByRole('region', { name: 'Model loading' });
  await expect(loading.getByRole('status')).toContainText(/Retrying in [12] s \(attempt 1 of 3\)$/);
  await expect(loading.getByRole('status')).toContainText(/Retrying in [1-3] s \(attempt 2 of 3\)$/);
  await expect(loading.getByRole('status')).toContainText(/attempt 3 of 3\)$/);

  // It failed before any weight was fetched, so the bundled model was never unloaded: nothing is reloaded.
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(/^NetworkError: .*Still using Bundled test model\./);
  await expectReady(page);
  await expect(page.getByLabel('Model status')).toHaveText(before ?? '');
  expect(await loadedModelMs(page)).toBe(loadedAt);

  // Retry goes back to the model the person asked for; Cancel ends the wait before the next try.
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(loading).toContainText('Loading nobody/unreachable');
  await expect(loading.getByRole('status')).toContainText('(attempt 1 of 3)');
  await loading.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Loading cancelled.')).toBeVisible();
  await expect(loading).toHaveCount(0);
  await page.waitForTimeout(1500);
  await expect(loading).toHaveCount(0);
  // Cancelled while waiting to retry: still the same model, and it answers.
  await expectReady(page);
  expect(await loadedModelMs(page)).toBe(loadedAt);
  await send(page, 'Still there?');
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', /complete|stopped/, { timeout: 30_000 });
});

/** The Hub ids in Settings → Model (host and id), then Load. */
async function loadHubModel(page: Page, id: string): Promise<void> {
  const settings = await openSettings(page);
  await settings.getByLabel('Model host').fill(HUB_ORIGIN);
  await settings.getByLabel('Any Hub model id').fill(id);
  await settings.getByRole('button', { name: 'Load this model (size unknown)' }).click();
  await closeSettings(page);
}

/** The weight files of `repo` the mock Hub has served, a Range probe counted as a request. */
async function weightRequests(repo: string): Promise<string[]> {
  const response = await fetch(`${HUB_ORIGIN}/__requests?repo=${encodeURIComponent(repo)}`);
  return ((await response.json()) as { paths: string[] }).paths.filter((p) => p.includes('.onnx'));
}

test('a download cut once the weights were coming is retried, then the model before is loaded again from this device, with a Retry', async ({
  page,
}) => {
  await openApp(page);
  const BEFORE = 'typewriter/demo-before-cut';
  await loadHubModel(page, BEFORE);
  await expect.poll(async () => (await modelState(page)).label).toBe(BEFORE);
  await expectReady(page);
  const before = await page.getByLabel('Model status').textContent();
  const loadedAt = await loadedModelMs(page);
  const fetchedBefore = await weightRequests(BEFORE);
  expect(fetchedBefore.length).toBeGreaterThan(0);

  // The repo resolves and its small files arrive; every weight download fails as a lost connection would.
  await page.route(`${HUB_ORIGIN}/typewriter/demo-weights-cut/**/*.onnx`, (route) =>
    route.abort('internetdisconnected'),
  );
  await loadHubModel(page, 'typewriter/demo-weights-cut');
  const loading = page.getByRole('region', { name: 'Model loading' });
  await expect(loading.getByRole('status')).toContainText(/attempt 3 of 3\)$/);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(`Going back to ${BEFORE}.`);
  await expect(alert).toContainText(/^NetworkError: /);
  // The model before was let go for the new weights, so it is loaded again: from the cache, not the network.
  await expectReady(page);
  await expect(page.getByLabel('Model status')).toHaveText(before ?? '');
  expect(await modelState(page)).toMatchObject({ label: BEFORE, status: 'ready' });
  expect(await loadedModelMs(page)).not.toBe(loadedAt);
  expect(await weightRequests(BEFORE)).toEqual(fetchedBefore);

  // Retry goes back to the model the person asked for; Cancel once its weights are coming returns again.
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(loading).toContainText('Loading typewriter/demo-weights-cut');
  await expect(loading.getByRole('status')).toContainText('(attempt 1 of 3)');
  await loading.getByRole('button', { name: 'Cancel' }).click();
  await expectReady(page);
  expect(await modelState(page)).toMatchObject({ label: BEFORE, status: 'ready' });
  expect(await weightRequests(BEFORE)).toEqual(fetchedBefore);
  await send(page, 'Still there?');
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', /complete|stopped/, { timeout: 30_000 });
});
