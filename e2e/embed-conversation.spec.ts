import { expect, test } from '@playwright/test';
import { hostEvents, mountSdk, type HostWindow } from './support/embed-helpers';

/**
 * User story: a site embeds Typewriter and holds a multi-turn chat through the SDK's conversation
 * handle. The host sends only text; the widget's engine keeps the KV cache and the ids of its own
 * answers, so the second turn prefills only its new message.
 */
test('an SDK conversation reuses the KV cache: turn 2 prefills only its new message', async ({ page }) => {
  await mountSdk(page, { model: 'demo' });
  const turns = await page.evaluate(async () => {
    const w = window as unknown as HostWindow;
    const chat = w.tw.conversation({ system: 'Be brief.' });
    const options = { maxTokens: 8, temperature: 0 };
    const first = chat.send('Tell me about lighthouses.', options);
    await first.done;
    const second = chat.send('And harbours?', options);
    await second.done;
    return { ids: [first.id, second.id], messages: chat.messages };
  });
  expect(turns.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);

  const stats = await hostEvents(page, 'stats');
  const last = (id: string) => stats.filter((s) => s.id === id).at(-1) as Record<string, number>;
  const [t1, t2] = [last(turns.ids[0] ?? ''), last(turns.ids[1] ?? '')];
  expect(t1).toMatchObject({ reusedTokens: 0 });
  // Everything of turn 1 but its answer's last token (never fed) is reused.
  expect(t2.reusedTokens).toBeGreaterThanOrEqual((t1.prefilledTokens ?? 0) + 7);
  expect(t2.prefilledTokens).toBeLessThan(t1.prefilledTokens ?? 0);
});
