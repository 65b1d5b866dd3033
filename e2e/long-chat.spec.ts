import { expect, test, type Page } from '@playwright/test';
import type { GenerationStats } from '../workers/protocol';
import {
  assistantMessages,
  closeSettings,
  openApp,
  openSettings,
  screenshot,
  send,
  userMessages,
} from './support/ui-chat';

/**
 * User story: someone chats on and on. Each turn costs only its new tokens (the engine keeps the
 * KV cache), and when the chat outgrows the context the oldest turns are left out — said once,
 * and marked in the transcript — instead of the chat failing. Fixing a typo in an earlier message
 * and resending rolls the cache back to it.
 */

interface Entry {
  role: string;
  status: string;
  stats?: GenerationStats | null;
  outOfContext?: boolean;
  tokenIds?: number[];
}

function entries(page: Page): Promise<Entry[]> {
  return page.evaluate(() => {
    const tw = (
      window as unknown as { __typewriter: { store: { getState(): { chat: { current: { messages: Entry[] } } } } } }
    ).__typewriter;
    return tw.store.getState().chat.current.messages;
  });
}

async function configure(page: Page, fields: Record<string, string>): Promise<void> {
  const panel = await openSettings(page);
  for (const [label, value] of Object.entries(fields)) await panel.getByLabel(label, { exact: true }).fill(value);
  await closeSettings(page);
}

async function answered(page: Page, turns: number): Promise<void> {
  await expect(assistantMessages(page)).toHaveCount(turns);
  await expect(assistantMessages(page).last()).toHaveAttribute('data-status', 'complete');
}

test('a 30-turn chat with a small context never errors, says once that old turns are left out, and marks them', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  await configure(page, { Temperature: '0', 'Max tokens': '8', 'Context tokens': '320' });

  for (let turn = 1; turn <= 30; turn++) {
    await send(page, `Question ${turn}: what do boats carry?`);
    await answered(page, turn);
  }
  await expect(page.getByRole('alert')).toHaveCount(0);
  const all = await entries(page);
  const answers = all.filter((e) => e.role === 'assistant');
  expect(answers.every((e) => e.status === 'complete')).toBe(true);

  // One notice, naming how many messages are left out; those messages are still shown, marked.
  const notice = page.getByRole('log').getByRole('status');
  await expect(notice).toHaveCount(1);
  const out = all.filter((e) => e.outOfContext).length;
  expect(out).toBeGreaterThan(0);
  await expect(notice).toHaveText(
    `Earlier messages no longer fit the model's context; the oldest ${out} are left out.`,
  );
  await expect(page.locator('article[data-context="out"]')).toHaveCount(out);
  await notice.scrollIntoViewIfNeeded();
  await screenshot(page, 'long-chat-eviction');
  await expect(userMessages(page)).toHaveCount(30);
  // Turns are dropped whole: as many user messages as answers are out.
  expect(all.filter((e) => e.outOfContext && e.role === 'user').length).toBe(out / 2);

  // Turn 6 prefills about what turn 1 did (its own new tokens), not the whole history.
  const stats = answers.map((e) => e.stats as GenerationStats);
  const [t1, t6] = [stats[0], stats[5]];
  expect(t1?.reusedTokens).toBe(0);
  expect(t6?.reusedTokens).toBeGreaterThan(5 * 16);
  expect(t6?.prefilledTokens).toBeLessThanOrEqual((t1?.prefilledTokens ?? 0) + 2);
  // After an eviction, later turns reuse the cache again.
  // After an eviction, the next turns reuse the cache again: only the turn that evicts pays a full prefill.
  const late = stats.slice(10);
  const evicting = late.filter((s) => s.reuseMiss === 'eviction');
  expect(evicting.length).toBeGreaterThan(0);
  expect(evicting.length).toBeLessThanOrEqual(late.length / 2);
  for (const s of late.filter((s) => s.reuseMiss !== 'eviction')) {
    expect(s.reusedTokens ?? 0).toBeGreaterThan(s.prefilledTokens ?? 0);
  }
  expect(stats.every((s) => s.promptTokens + s.maxTokens <= 320)).toBe(true);
});

test('Edit fixes an earlier message and resends it; the cache rolls back to it and Regenerate re-feeds one token', async ({
  page,
}) => {
  await openApp(page);
  await configure(page, { Temperature: '0', 'Max tokens': '8' });
  await send(page, 'Wat is a lighthouse?');
  await answered(page, 1);
  await send(page, 'And a harbour?');
  await answered(page, 2);

  const first = userMessages(page).first();
  await first.getByRole('button', { name: 'Edit message' }).click();
  await first.getByRole('textbox', { name: 'Edit message' }).fill('What is a lighthouse?');
  await first.getByRole('button', { name: 'Save and resend' }).click();
  await answered(page, 1);
  await expect(userMessages(page)).toHaveText(['What is a lighthouse?']);
  const edited = (await entries(page)).at(-1)?.stats;
  // The system prompt and the template's opening were reused; only the edited turn was prefilled.
  expect(edited?.reusedTokens).toBeGreaterThan(0);
  expect(edited?.prefilledTokens).toBe((edited?.promptTokens ?? 0) - (edited?.reusedTokens ?? 0));

  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect.poll(async () => (await entries(page)).at(-1)?.status).toBe('complete');
  const regen = (await entries(page)).at(-1)?.stats;
  expect(regen).toMatchObject({ prefilledTokens: 1, reusedTokens: (regen?.promptTokens ?? 0) - 1 });
  await expect(assistantMessages(page).last()).toContainText('1 prefilled');
});
