import { expect, test } from '@playwright/test';
import { MOCK_MODEL, mockAnswer, mockTokens } from './support/mock-openai';
import { REMOTE_ORIGIN, REMOTE_PORT } from './support/ports';
import { connect, connected, control, requests } from './support/remote-helpers';
import { answerText, assistantMessages, closeSettings, openApp, openSettings, send } from './support/ui-chat';

/**
 * User story: someone whose device is too small (or who runs vLLM, llama.cpp's server or Ollama) picks
 * "Remote server" in Settings; the same chat streams from that OpenAI-compatible server, says plainly that text
 * leaves the device, pauses, stops and survives a cut stream with a named error and a way back to the local
 * model. The server is e2e/support/mock-openai.ts, speaking OpenAI's wire format.
 */

test.beforeEach(async () => {
  await control(null);
});

test('nothing reaches the server until it is chosen; then the chat streams from it, key sent as a bearer token', async ({
  page,
}) => {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  await openApp(page);
  await send(page, 'a local question');
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', /complete|stopped/, {
    timeout: 60_000,
  });
  const settings = await openSettings(page);
  await settings.getByLabel('Backend').selectOption('remote');
  // Choosing the backend, or typing its URL, sends nothing: only Connect does.
  await settings.getByLabel('Server base URL').fill(`${REMOTE_ORIGIN}/v1`);
  expect(await requests()).toEqual([]);
  await closeSettings(page);

  await connected(page);
  const prompt = 'tell me about lighthouses';
  await send(page, prompt);
  const answer = assistantMessages(page).last();
  await expect(answer.locator('.msg-footer')).toContainText('finished', { timeout: 30_000 });
  expect((await answerText(answer)).trim()).toBe(mockAnswer(prompt, 256));
  // usage.completion_tokens, as the server counted them.
  await expect(answer.locator('.msg-footer')).toContainText(`${mockTokens(prompt, 256).length} tokens`);

  const chat = (await requests()).filter((r) => r.path === '/v1/chat/completions');
  expect(chat).toHaveLength(1);
  expect(chat[0]?.authorization).toBe('Bearer sk-local-test');
  expect(chat[0]?.body).toMatchObject({ model: MOCK_MODEL, stream: true });
  expect(chat[0]?.body?.messages?.at(-1)).toEqual({ role: 'user', content: prompt });
  // Everything else the page fetched stayed on this machine, and the key went nowhere but the server.
  expect(urls.filter((u) => !/^http:\/\/localhost:\d+\//.test(u))).toEqual([]);
  expect(urls.some((u) => u.includes('sk-local-test'))).toBe(false);

  // The in-page OpenAI API answers from the same server.
  const viaApi = await page.evaluate(async (model) => {
    const tw = (window as unknown as { typewriter: { fetch: typeof fetch } }).typewriter;
    const response = await tw.fetch('http://typewriter.local/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'via the api' }], max_tokens: 8 }),
    });
    return (await response.json()) as { choices: { message: { content: string } }[] };
  }, MOCK_MODEL);
  expect(viaApi.choices[0]?.message.content).toBe(mockAnswer('via the api', 8));
});

test('Pause stops reading and says the server may go on; Resume finishes the answer; Stop aborts the request', async ({
  page,
}) => {
  await control({ delayMs: 120 });
  await openApp(page);
  await connected(page);
  await expect(page.getByText(`Remote server: what you type is sent to localhost:${REMOTE_PORT}.`)).toBeVisible();
  const prompt = 'pause me please';
  await send(page, prompt);
  const answer = assistantMessages(page).last();
  await expect.poll(async () => (await answerText(answer)).length, { timeout: 15_000 }).toBeGreaterThan(12);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(answer.getByText('the server may keep generating')).toBeVisible();
  const frozen = await answerText(answer);
  await page.waitForTimeout(1000);
  expect(await answerText(answer)).toBe(frozen);
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(answer.locator('.msg-footer')).toContainText('finished', { timeout: 30_000 });
  expect((await answerText(answer)).trim()).toBe(mockAnswer(prompt, 256));

  await send(page, 'stop me please');
  const second = assistantMessages(page).last();
  await expect.poll(async () => (await answerText(second)).length, { timeout: 15_000 }).toBeGreaterThan(12);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(second.getByText('Stopped — partial answer')).toBeVisible();
  const kept = await answerText(second);
  expect(mockAnswer('stop me please', 256).startsWith(kept.trimEnd())).toBe(true);
  // The server saw the connection closed before its answer ended.
  await expect
    .poll(async () => (await requests()).filter((r) => r.path === '/v1/chat/completions').at(-1)?.closedEarly, {
      timeout: 5_000,
    })
    .toBe(true);
});

test('a cut stream, an error event and an HTTP 500 keep the text, name the error, and offer the local model', async ({
  page,
}) => {
  await openApp(page);
  await connected(page);
  const banner = page.getByRole('alert').filter({ hasText: 'Remote' });
  for (const [mode, name, says] of [
    ['drop', 'RemoteStreamCut', 'stopped after 3 tokens'],
    ['cut', 'RemoteStreamCut', 'stopped after 3 tokens'],
    ['error-event', 'RemoteServerError', 'The server had an error'],
    ['http-500', 'RemoteServerError', 'HTTP 500'],
  ] as const) {
    await control({ mode, afterTokens: 3 });
    await send(page, `fault ${mode}`);
    await expect(banner).toContainText(name, { timeout: 15_000 });
    await expect(banner).toContainText(says);
    const answer = assistantMessages(page).last();
    if (mode !== 'http-500') expect((await answerText(answer)).trim()).toBe(mockAnswer(`fault ${mode}`, 3));
    // No hung spinner: the answer is settled as failed, with its text.
    await expect(answer).toHaveAttribute('data-status', /^(stopped|error)$/);
    if (mode !== 'http-500') await banner.getByRole('button', { name: 'Dismiss' }).click();
  }
  await page.getByRole('button', { name: 'Use the local model' }).click();
  await expect(page.getByLabel('Model status')).toContainText('Test model — random weights', { timeout: 60_000 });
  await expect(page.getByLabel('Model status')).not.toContainText('leaves this device');
});

test('a wrong key and a server the CSP does not list get named errors at Connect', async ({ page }) => {
  await control({ apiKey: 'sk-right' });
  await openApp(page);
  await connect(page, `${REMOTE_ORIGIN}/v1`, 'sk-wrong');
  await expect(page.getByRole('alert')).toContainText('RemoteAuthFailed');
  await expect(page.getByRole('alert')).toContainText('Check the API key');
  // Not in this deploy's connect-src (TW_REMOTE_HOSTS names only the mock server's port).
  await page.getByLabel('Server base URL').fill(`http://localhost:${REMOTE_PORT + 90}/v1`);
  await page.getByRole('button', { name: 'Connect to server' }).click();
  await expect(page.getByRole('alert')).toContainText('RemoteBlocked');
  await expect(page.getByRole('alert')).toContainText('TW_REMOTE_HOSTS');
});
