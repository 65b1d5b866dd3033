import { expect, test } from '@playwright/test';
import {
  answerText,
  assistantMessages,
  forwardPasses,
  generationField,
  openApp,
  screenshot,
  send,
  setSampling,
  userMessages,
} from './support/ui-chat';

/**
 * User story: someone opens Typewriter, the bundled model loads by itself, and
 * they chat with it, watching the answer type out; they can pause, resume and
 * stop it, and find the conversation again after a reload.
 */

test('the bundled model loads, an answer streams, pauses, resumes, stops and survives a reload', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { 'Max tokens': '3000' });

  await send(page, 'Tell me a long story');
  await expect(userMessages(page)).toHaveText(['Tell me a long story']);
  const answer = assistantMessages(page).last();
  await expect(answer).toHaveAttribute('data-status', 'streaming');

  // The text grows over at least five observations before it is done.
  const seen: number[] = [];
  for (let i = 0; i < 200 && seen.length < 6; i++) {
    const length = (await answerText(answer)).length;
    if (length > (seen.at(-1) ?? 0)) seen.push(length);
    await page.waitForTimeout(50);
  }
  expect(seen.length).toBeGreaterThanOrEqual(6);
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await screenshot(page, 'streaming');

  // Live stats: a positive decode rate and a time to first token, with units.
  const stats = page.getByRole('region', { name: 'Generation stats' });
  await expect(stats.locator('[data-stat="decode"]')).toHaveText(/^\d+(\.\d+)? tok\/s$/);
  const rate = Number((await stats.locator('[data-stat="decode"]').innerText()).split(' ')[0]);
  expect(rate).toBeGreaterThan(0);
  await expect(stats.locator('[data-stat="ttft"]')).toHaveText(/^TTFT \d+(\.\d+)? (ms|s)$/);

  // Pause: the text and the engine's forward-pass count stay still for a second.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(answer.getByText('Paused', { exact: true })).toBeVisible();
  await expect(answer).toHaveAttribute('data-status', 'paused');
  const pausedText = await answerText(answer);
  const pausedPasses = await forwardPasses(page);
  // The stats say how far it got: every token before the pause, not the count of the last 4 Hz update.
  const pausedTokens = await generationField<number>(page, 'tokens');
  expect(pausedTokens).toBeGreaterThan(0);
  await expect(stats.locator('.gen-progress')).toHaveText(new RegExp(`^${pausedTokens} / 3000 tokens`));
  await page.waitForTimeout(1200);
  expect(await answerText(answer)).toBe(pausedText);
  expect(await forwardPasses(page)).toBe(pausedPasses);
  await screenshot(page, 'paused');

  // Resume: it grows again.
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(async () => (await answerText(answer)).length).toBeGreaterThan(pausedText.length);

  // Stop keeps the partial answer and marks it.
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  await expect(answer).toContainText('Stopped — partial answer');
  const tokens = await generationField<number>(page, 'tokens');
  expect(tokens).toBeGreaterThan(0);
  expect(tokens).toBeLessThan(3000);
  expect(await generationField<string>(page, 'finishReason')).toBe('stopped');
  // The panel's decode rate is now the run's average, the figure the message's footer gives.
  const footerRate = /· ([\d.]+ tok\/s) ·/.exec(await answer.locator('.msg-stats').innerText())?.[1];
  expect(footerRate).toBeTruthy();
  await expect(stats.locator('[data-stat="decode"]')).toHaveText(footerRate ?? '');
  const stoppedText = await answerText(answer);
  expect(stoppedText.length).toBeGreaterThan(pausedText.length);
  await screenshot(page, 'stopped');

  // After a reload the conversation is still there, word for word, and listed.
  await page.reload();
  await expect(userMessages(page)).toHaveText(['Tell me a long story']);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'stopped');
  expect(await answerText(assistantMessages(page).first())).toBe(stoppedText);
  await expect(page.getByLabel('Max tokens')).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByLabel('Max tokens', { exact: true })).toHaveValue('3000');
});

test('a two-turn conversation sends the history through the chat template', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { 'Max tokens': '12' });

  await send(page, 'First question');
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete');
  await expect(assistantMessages(page).first()).toContainText('12 tokens');
  const firstPrompt = await generationField<number>(page, 'promptTokens');
  const firstAnswer = await generationField<string>(page, 'text');

  await send(page, 'Second question');
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(assistantMessages(page).nth(1)).toHaveAttribute('data-status', 'complete');
  await expect(userMessages(page)).toHaveText(['First question', 'Second question']);
  // The second prompt holds the first turn and its answer: more tokens than both new questions alone.
  const secondPrompt = await generationField<number>(page, 'promptTokens');
  expect(secondPrompt).toBeGreaterThan(firstPrompt + 12);
  expect(firstAnswer.length).toBeGreaterThan(0);
});

test('Regenerate replaces the last answer with a new run', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { 'Max tokens': '10' });
  await send(page, 'Say something');
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete');
  const firstRequest = await generationField<string>(page, 'requestId');

  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect.poll(() => generationField<string>(page, 'requestId')).not.toBe(firstRequest);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete');
  await expect(assistantMessages(page).first()).toContainText('10 tokens');
  await expect(userMessages(page)).toHaveCount(1);
});

test('keyboard: the pause shortcut toggles pause and Esc stops', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { 'Max tokens': '3000' });
  await send(page, 'Keyboard');
  const answer = assistantMessages(page).last();
  await expect.poll(async () => (await answerText(answer)).length).toBeGreaterThan(20);
  await page.keyboard.press('Control+Period');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await page.keyboard.press('Control+Period');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(answer).toHaveAttribute('data-status', 'stopped');
});

test('New chat starts empty and past conversations can be reopened or deleted', async ({ page }) => {
  await openApp(page);
  await setSampling(page, { 'Max tokens': '5' });
  await send(page, 'Remember me');
  await expect(assistantMessages(page).first()).toHaveAttribute('data-status', 'complete');

  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(userMessages(page)).toHaveCount(0);
  const list = page.getByRole('complementary', { name: 'Conversations' });
  await list.getByRole('button', { name: /^Remember me/ }).click();
  await expect(userMessages(page)).toHaveText(['Remember me']);

  await list.getByRole('button', { name: 'Delete conversation: Remember me' }).click();
  await expect(userMessages(page)).toHaveCount(0);
  await expect(list.getByRole('button', { name: /^Remember me/ })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('complementary', { name: 'Conversations' })).toContainText('No saved conversations');
});
