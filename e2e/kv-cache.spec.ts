import { expect, test, type Page } from '@playwright/test';
import type { ChatMessage, GenerateRequest } from '../workers/protocol';
import {
  DEMO,
  finish,
  forwardPasses,
  load,
  openHarness,
  pauseAndDrain,
  run,
  startRun,
  tokenCount,
  waitForTokens,
  type RunSummary,
} from './support/engine-harness';

/**
 * User story: a chat's second turn costs only its new tokens. The engine keeps the KV cache with
 * the ids it holds; the next request prefills only the suffix after the common prefix, Regenerate
 * and an edited message roll the cache back, and prompt-lookup speculation verifies drafted tokens
 * in one pass with greedy output unchanged. Titles tagged @webgpu also run on SwiftShader, where
 * rollback is a GPU buffer-to-buffer copy.
 */

const onWebGpu = () => test.info().project.name === 'webgpu';
test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await openHarness(page);
  await load(page, DEMO);
});

const user = (content: string): ChatMessage => ({ role: 'user', content });
const reply = (r: RunSummary): ChatMessage => ({
  role: 'assistant',
  content: r.doneText ?? '',
  tokenIds: r.tokenIds ?? [],
});

/** A run and its forward passes, a prefill counted as one (`status().forwardPasses` counts each of its chunks). */
async function counted(page: Page, request: GenerateRequest): Promise<RunSummary & { passes: number }> {
  const before = await forwardPasses(page);
  const summary = await run(page, request);
  expect(summary.error).toBeNull();
  const passes = summary.doneStats?.forwardPasses ?? NaN;
  // Every pass of the run is in the worker's count, and the chunks of its prefill besides.
  expect((await forwardPasses(page)) - before).toBeGreaterThanOrEqual(passes);
  return { ...summary, passes };
}

test('a second turn prefills only its new tokens; Regenerate and an edit roll back; replies equal a fresh cache @webgpu', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const maxTokens = onWebGpu() ? 6 : 24;
  const base = { maxTokens, temperature: 0, speculative: 'off' as const };
  const turn1 = [user('Tell me about lighthouses.')];
  const fresh = { ...base, keepCacheMs: 0 };

  // References, each on a fresh cache (keepCacheMs 0 frees it after the run).
  const r1 = await counted(page, { ...base, keepCacheMs: 0, messages: turn1 });
  expect(r1.start).toMatchObject({ reusedTokens: 0, reuseMiss: 'no-cache' });
  expect(r1.tokenIds).toEqual(r1.ids);
  const turn2 = [...turn1, reply(r1), user('And about harbours?')];
  const edited = [...turn1, reply(r1), user('Why are they tall?')];
  const ref2 = await counted(page, { ...fresh, messages: turn2 });
  const refEdit = await counted(page, { ...fresh, messages: edited });
  expect(ref2.start?.reusedTokens).toBe(0);
  expect(ref2.start?.prefilledTokens).toBe(ref2.start?.promptTokens);

  // Turn 1 again (kept), then turn 2 reuses all of it but the reply's last token, which was never fed.
  const again = await counted(page, { ...base, messages: turn1 });
  expect(again.ids).toEqual(r1.ids);
  const p1 = again.start?.promptTokens ?? 0;
  const t2 = await counted(page, { ...base, messages: turn2 });
  expect(t2.start?.reusedTokens).toBe(p1 + maxTokens - 1);
  expect(t2.start?.prefilledTokens).toBe((t2.start?.promptTokens ?? 0) - p1 - maxTokens + 1);
  expect(t2.start?.reuseMiss).toBeNull();
  expect(t2.doneStats?.prefilledTokens).toBe(t2.start?.prefilledTokens);
  expect(t2.doneStats?.kvCacheBytes).toBeGreaterThan(0);
  expect(t2.passes).toBe(maxTokens); // one prefill pass + one per further token
  expect(t2.ids).toEqual(ref2.ids);

  const kept = await page.evaluate(async () => (await window.__typewriter.engine.status()).kvCache);
  expect(kept?.tokens).toBe((t2.start?.promptTokens ?? 0) + maxTokens - 1);
  expect(kept?.location).toBe(onWebGpu() ? 'gpu-buffer' : 'cpu');
  expect(kept?.bytes).toBe(t2.doneStats?.kvCacheBytes);

  // Regenerate: the same prompt; the cache is cut back to it and only its last token is re-fed.
  const regen = await counted(page, { ...base, messages: turn2 });
  expect(regen.start).toMatchObject({ reusedTokens: (t2.start?.promptTokens ?? 0) - 1, prefilledTokens: 1 });
  expect(regen.ids).toEqual(ref2.ids);

  // Editing the last user message: reuse stops where the prompts differ.
  const edit = await counted(page, { ...base, messages: edited });
  const reusedEdit = edit.start?.reusedTokens ?? 0;
  expect(reusedEdit).toBeGreaterThan(t2.start?.reusedTokens ?? 0);
  expect(reusedEdit).toBeLessThan(t2.start?.promptTokens ?? 0);
  expect(edit.start?.prefilledTokens).toBe((edit.start?.promptTokens ?? 0) - reusedEdit);
  expect(edit.start?.reuseMiss).toBe('prompt-changed');
  expect(edit.ids).toEqual(refEdit.ids);

  // Unload frees the kept cache.
  await page.evaluate(() => window.__typewriter.engine.unload());
  expect(await page.evaluate(async () => (await window.__typewriter.engine.status()).kvCache)).toBeNull();
});

test('a Stop during a long prefill lands between its chunks; the cache keeps the chunks fed and the same prompt reuses them', async ({
  page,
}) => {
  // ~3,000 tokens: six chunks of 512 with the demo model's 1,000-token vocabulary (kv-cache.ts).
  const request: GenerateRequest = {
    messages: [user('The keeper lit the lamp for the ships. '.repeat(250))],
    maxTokens: 8,
    temperature: 0,
  };
  await startRun(page, request);
  await page.waitForFunction(() => window.__runState?.started === true);
  await page.evaluate(() => window.__typewriter.engine.stop());
  const stopped = await finish(page);
  expect(stopped.error).toBeNull();
  expect(stopped.reason).toBe('stopped');
  expect(stopped.ids).toHaveLength(0);
  const promptTokens = stopped.start?.promptTokens ?? 0;
  expect(promptTokens).toBeGreaterThan(5 * 512);
  const kept = (await page.evaluate(() => window.__typewriter.engine.status())).kvCache;
  // Whole chunks, fewer than the prompt: the prefill ended between two of them, not after the last.
  expect(kept?.tokens ?? 0).toBeGreaterThan(0);
  expect((kept?.tokens ?? 0) % 512).toBe(0);
  expect(kept?.tokens ?? 0).toBeLessThan(promptTokens);
  const again = await run(page, request);
  expect(again.error).toBeNull();
  expect(again.reason).toBe('length');
  expect(again.start?.reusedTokens).toBe(kept?.tokens);
});

test('a Pause during a long prefill lands between its chunks: no pass runs until Resume, and the answer is the same', async ({
  page,
}) => {
  const request: GenerateRequest = {
    messages: [user('The lamp was lit at dusk for the ships at sea. '.repeat(120))],
    maxTokens: 8,
    temperature: 0,
    speculative: 'off',
    keepCacheMs: 0,
  };
  const status = () => page.evaluate(() => window.__typewriter.engine.status());
  const unpaused = await run(page, request);
  // Nothing kept, so the paused run prefills the whole prompt again.
  expect((await status()).kvCache ?? null).toBeNull();
  const promptTokens = unpaused.start?.promptTokens ?? 0;
  expect(promptTokens).toBeGreaterThan(4 * 512);

  const before = (await status()).forwardPasses;
  await startRun(page, request);
  await page.waitForFunction(() => window.__runState?.started === true);
  await page.evaluate(() => window.__typewriter.engine.pause());
  await page.waitForFunction(() => window.__runState?.pausedAt !== null);
  // Paused before the first token, between two chunks (each chunk is a forward pass), and nothing runs after.
  expect(await page.evaluate(() => window.__runState?.pausedAt)).toBe(0);
  const atPause = await status();
  expect(atPause.state).toBe('paused');
  expect(atPause.forwardPasses - before).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  expect((await status()).forwardPasses).toBe(atPause.forwardPasses);
  await page.evaluate(() => window.__typewriter.engine.resume());
  const resumed = await finish(page);
  expect(resumed.error).toBeNull();
  expect(resumed.reason).toBe('length');
  expect(resumed.ids).toEqual(unpaused.ids);
  // The rest of the prompt, then the answer's 8 tokens.
  expect((await status()).forwardPasses - atPause.forwardPasses).toBeGreaterThanOrEqual(8);
  expect(resumed.doneStats?.pausedMs ?? 0).toBeGreaterThanOrEqual(1000);
});

test('a raw prompt sharing a prefix reuses the cache too; the kept cache is freed when idle and on load', async ({
  page,
}) => {
  const base = { maxTokens: 8, temperature: 0, speculative: 'off' as const };
  const first = await run(page, { ...base, prompt: 'The harbour master said that the ships' });
  const second = await run(page, { ...base, prompt: 'The harbour master said that the ships would' });
  expect(first.start?.reusedTokens).toBe(0);
  expect(second.start?.reusedTokens).toBeGreaterThan(3);
  expect((second.start?.reusedTokens ?? 0) + (second.start?.prefilledTokens ?? 0)).toBe(second.start?.promptTokens);

  // The kept cache is bounded in time: freed after `keepCacheMs` idle, and on a model (re)load.
  const kvCache = () => page.evaluate(async () => (await window.__typewriter.engine.status()).kvCache);
  await run(page, { ...base, prompt: 'Kept briefly', keepCacheMs: 400 });
  expect((await kvCache())?.tokens).toBeGreaterThan(0);
  await expect.poll(kvCache, { timeout: 5_000 }).toBeNull();
  await run(page, { ...base, prompt: 'Kept until the model changes' });
  expect((await kvCache())?.bytes).toBeGreaterThan(0);
  await load(page, DEMO);
  expect(await kvCache()).toBeNull();
  const afterLoad = await run(page, { ...base, prompt: 'Kept until the model changes' });
  expect(afterLoad.start).toMatchObject({ reusedTokens: 0, reuseMiss: 'no-cache' });
});

const COPY_PROMPT =
  'Rewrite this paragraph exactly: the keeper climbs the stairs, lights the lamp, and watches the ships. ' +
  'The keeper climbs the stairs, lights the lamp, and watches the ships. The keeper climbs the stairs';

test('speculative greedy decoding gives identical ids with fewer forward passes on a copy-heavy prompt @webgpu', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const request = { prompt: COPY_PROMPT, maxTokens: onWebGpu() ? 40 : 96, temperature: 0, keepCacheMs: 0 };
  const plain = await counted(page, { ...request, speculative: 'off' });
  const fast = await counted(page, { ...request, speculative: 'on' });
  expect(fast.ids).toEqual(plain.ids);
  expect(fast.texts).toEqual(plain.texts);
  expect(fast.doneText).toBe(plain.doneText);
  expect(fast.doneStats?.acceptedTokens).toBeGreaterThan(0);
  expect(fast.passes).toBeLessThan(plain.passes);
  expect(fast.passes).toBe(plain.passes - (fast.doneStats?.acceptedTokens ?? 0));
  // Every token still arrives as its own event, numbered in order.
  expect(fast.ids).toHaveLength(request.maxTokens);
});

test('with speculation, a stop sequence inside an accepted draft, pause and stop behave as without it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const base = { prompt: COPY_PROMPT, maxTokens: 200, temperature: 0, keepCacheMs: 0 };
  const plain = await counted(page, { ...base, speculative: 'off' });
  // A stop sequence late in the text, where the drafts are being accepted.
  const text = plain.doneText ?? '';
  const stop = text.slice(Math.floor(text.length * 0.7), Math.floor(text.length * 0.7) + 6);
  expect(stop.trim().length).toBeGreaterThan(0);
  const plainStop = await counted(page, { ...base, stop: [stop], speculative: 'off' });
  const fastStop = await counted(page, { ...base, stop: [stop], speculative: 'on' });
  expect(plainStop.reason).toBe('stop-sequence');
  expect(fastStop.reason).toBe('stop-sequence');
  expect(fastStop.ids).toEqual(plainStop.ids);
  expect(fastStop.texts).toEqual(plainStop.texts);
  expect(fastStop.doneText).toBe(plainStop.doneText);
  expect(fastStop.doneText).not.toContain(stop);
  expect(fastStop.doneStats?.acceptedTokens).toBeGreaterThan(0);

  // Pause: no forward pass while paused, and the run resumes to the same ids.
  await startRun(page, { ...base, speculative: 'on' });
  await waitForTokens(page, 40);
  const atPause = await pauseAndDrain(page);
  const passes = await forwardPasses(page);
  await page.waitForTimeout(800);
  expect(await forwardPasses(page)).toBe(passes);
  expect(await tokenCount(page)).toBe(atPause);
  await page.evaluate(() => window.__typewriter.engine.resume());
  const resumed = await finish(page);
  expect(resumed.ids).toEqual(plain.ids);

  // Stop: ends with done{stopped}, the text so far is the tokens joined, and a new request runs.
  await startRun(page, { ...base, speculative: 'on' });
  await waitForTokens(page, 20);
  await page.evaluate(() => window.__typewriter.engine.stop());
  const stopped = await finish(page);
  expect(stopped.reason).toBe('stopped');
  expect(stopped.texts.join('')).toBe(stopped.doneText);
  expect(stopped.ids).toEqual(plain.ids.slice(0, stopped.ids.length));
  const next = await run(page, { ...base, maxTokens: 4, speculative: 'on' });
  expect(next.ids).toEqual(plain.ids.slice(0, 4));

  // Backpressure: a reader that stops reading stops generation with the queue at its limit, drafts or not.
  const stalled = await page.evaluate(
    async (req) => {
      const engine = window.__typewriter.engine;
      const stream = await engine.generate(req);
      const reader = stream.getReader();
      await reader.read(); // start event only, then nothing
      await new Promise((r) => setTimeout(r, 1000));
      const status = await engine.status();
      await reader.cancel();
      return { queued: status.queuedEvents, state: status.state };
    },
    { ...base, speculative: 'on' as const },
  );
  expect(stalled.state).toBe('generating');
  expect(stalled.queued).toBeGreaterThan(0);
  expect(stalled.queued).toBeLessThanOrEqual(8 + 1); // the high-water mark, plus at most one stats event
});
