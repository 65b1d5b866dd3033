import { expect, test, type BrowserContext, type Frame, type Page } from '@playwright/test';
import type OpenAIClient from 'openai';
import type { EngineApi, StreamEvent } from '../workers/protocol';
import { mountSdk, widgetFrame, type HostWindow, type WidgetWindow } from './support/embed-helpers';
import { bundleOpenAi, expectOnlyLocalhost, loadOpenAi, prepare, type PageWindow } from './support/openai-bundle';
import { APP_ORIGIN, HOST_ORIGIN } from './support/ports';
import { expectReady, screenshot } from './support/ui-chat';

/**
 * User story: a developer points the unmodified official `openai` package (the pinned devDependency)
 * at Typewriter's in-page API — `new OpenAI({ baseURL, fetch: typewriter.fetch })` — in the app and,
 * through the embed SDK, from a page on another origin. The package is bundled here from
 * node_modules as it ships (vite, no changes) and served to the page at a same-origin test URL.
 */

let openaiBundle = '';
test.beforeAll(async () => {
  openaiBundle = await bundleOpenAi();
});

/** The same greedy request straight through the engine API: its done.text is the reference. */
async function engineText(target: Page | Frame, engineOf: string, prompt: string, maxTokens: number) {
  return target.evaluate(
    async ({ engineOf: path, prompt: content, maxTokens: max }) => {
      const engine = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], window) as EngineApi;
      const stream = await engine.generate({
        messages: [{ role: 'user', content }],
        maxTokens: max,
        temperature: 0,
        topK: 0,
        topP: 1,
        repetitionPenalty: 1,
      });
      const reader = stream.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended without done');
        const event = value as StreamEvent;
        if (event.type === 'done') return { text: event.text, tokens: event.stats.tokens, reason: event.reason };
        if (event.type === 'error') throw new Error(`${event.name}: ${event.message}`);
      }
    },
    { engineOf, prompt, maxTokens },
  );
}

const PROMPT = 'Tell me about typewriters.';

test.describe('OpenAI-compatible API in the app, with the official client', () => {
  test.describe.configure({ mode: 'serial' });
  let context: BrowserContext;
  let page: Page;
  let urls: string[];

  test.beforeAll(async ({ browser }) => {
    // A service worker would answer the test bundle's URL before the route could.
    context = await browser.newContext({ baseURL: APP_ORIGIN, serviceWorkers: 'block' });
    urls = await prepare(context, [APP_ORIGIN], openaiBundle);
    page = await context.newPage();
    await page.goto('/');
    await expectReady(page);
    await loadOpenAi(page, APP_ORIGIN);
  });

  test.afterAll(async () => {
    expectOnlyLocalhost(urls);
    expect(urls.some((u) => u.includes('typewriter.local'))).toBe(false);
    await context.close();
  });

  test('a streaming completion: the deltas join to the engine done.text, with usage and cached tokens', async () => {
    const run = await page.evaluate(async (prompt) => {
      const w = window as unknown as PageWindow;
      const OpenAI = w.OpenAIModule.default;
      const client = new OpenAI({
        baseURL: 'http://typewriter.local/v1',
        apiKey: 'local',
        fetch: w.typewriter.fetch,
        dangerouslyAllowBrowser: true,
      });
      const model = (await w.__typewriter.engine.status()).model?.modelId ?? '';
      const once = async () => {
        const stream = await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: prompt }],
          stream: true,
          stream_options: { include_usage: true },
          temperature: 0,
          max_tokens: 24,
        });
        let text = '';
        let finish: string | null = null;
        let usage: unknown = null;
        let chunks = 0;
        for await (const chunk of stream) {
          chunks += 1;
          text += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
          usage = chunk.usage ?? usage;
        }
        return { text, finish, usage, chunks };
      };
      return { first: await once(), second: await once(), model };
    }, PROMPT);
    const reference = await engineText(page, '__typewriter.engine', PROMPT, 24);
    expect(run.first.text.length).toBeGreaterThan(0);
    expect(run.first.text).toBe(reference.text);
    expect(run.second.text).toBe(reference.text);
    expect(run.first.finish).toBe(reference.reason === 'length' ? 'length' : 'stop');
    const usage = run.first.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    expect(usage.completion_tokens).toBe(reference.tokens);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    // The same messages again: the KV cache's prefix reuse applies to API requests too.
    const second = run.second.usage as { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } };
    expect(second.prompt_tokens).toBe(usage.prompt_tokens);
    expect(second.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  test('a non-streaming completion gives the same text as one message, and models.list() the loaded model', async () => {
    const result = await page.evaluate(async (prompt) => {
      const w = window as unknown as PageWindow;
      const client = new w.OpenAIModule.default({
        baseURL: 'http://typewriter.local/v1',
        apiKey: 'local',
        fetch: w.typewriter.fetch,
        dangerouslyAllowBrowser: true,
      });
      const models = (await client.models.list()).data.map((m) => m.id);
      const completion = await client.chat.completions.create({
        model: models[0] ?? '',
        messages: [{ role: 'user', content: prompt }],
        temperature: 0,
        max_completion_tokens: 24,
      });
      return { models, completion, loaded: (await w.__typewriter.engine.status()).model?.modelId };
    }, PROMPT);
    const reference = await engineText(page, '__typewriter.engine', PROMPT, 24);
    expect(result.models).toEqual([result.loaded]);
    expect(result.completion).toMatchObject({
      object: 'chat.completion',
      model: result.loaded,
      choices: [{ index: 0, message: { role: 'assistant', content: reference.text } }],
      usage: { completion_tokens: reference.tokens },
    });
  });

  test('aborting the request is Stop: the engine stops within a token and takes the next request', async () => {
    const result = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const engine = w.__typewriter.engine;
      const client = new w.OpenAIModule.default({
        baseURL: 'http://typewriter.local/v1',
        apiKey: 'local',
        fetch: w.typewriter.fetch,
        dangerouslyAllowBrowser: true,
      });
      const model = (await engine.status()).model?.modelId ?? '';
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model, messages: [{ role: 'user', content: 'Count to a thousand.' }], stream: true, max_tokens: 400 },
        { signal: controller.signal },
      );
      let deltas = 0;
      let atAbort = -1;
      let error: string | null = null;
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content) deltas += 1;
          if (deltas === 4 && atAbort < 0) {
            controller.abort();
            // Posted after the stop message: the pass in flight, if any, is all that may still run.
            atAbort = (await engine.status()).forwardPasses;
          }
        }
      } catch (e) {
        error = String(e);
      }
      let status = await engine.status();
      for (let i = 0; i < 100 && status.state !== 'ready'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await engine.status();
      }
      const settled = status.forwardPasses;
      await new Promise((r) => setTimeout(r, 500));
      const later = (await engine.status()).forwardPasses;
      const next = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 2,
      });
      return { deltas, atAbort, settled, later, state: status.state, error, next: next.choices[0]?.finish_reason };
    });
    expect(result.error).toBeNull();
    expect(result.state).toBe('ready');
    expect(result.settled - result.atAbort).toBeLessThanOrEqual(1);
    expect(result.later).toBe(result.settled);
    expect(['length', 'stop']).toContain(result.next);
  });

  test('an unsupported parameter is a 400: the client throws BadRequestError naming it', async () => {
    const error = await page.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const client = new w.OpenAIModule.default({
        baseURL: 'http://typewriter.local/v1',
        apiKey: 'local',
        fetch: w.typewriter.fetch,
        dangerouslyAllowBrowser: true,
      });
      const model = (await w.__typewriter.engine.status()).model?.modelId ?? '';
      try {
        await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'x' }],
          logprobs: true,
          n: 2,
        });
        return null;
      } catch (e) {
        const err = e as InstanceType<typeof OpenAIClient.BadRequestError>;
        return {
          isBadRequest: e instanceof w.OpenAIModule.BadRequestError,
          status: err.status,
          param: err.param,
          code: err.code,
          message: err.message,
        };
      }
    });
    expect(error).toMatchObject({ isBadRequest: true, status: 400, param: 'logprobs', code: 'unsupported_parameter' });
    expect(error?.message).toContain("'logprobs'");
    expect(error?.message).toContain("'n' (only n=1");
  });

  test('the Developer panel shows a snippet for the loaded model that runs as written', async () => {
    await page.getByRole('button', { name: 'Developer' }).click();
    const dialog = page.getByRole('dialog', { name: 'OpenAI-compatible API' });
    const snippet = dialog.getByRole('textbox', { name: 'API snippet' });
    const code = await snippet.inputValue();
    const model = await page.evaluate(
      async () => (await (window as unknown as PageWindow).__typewriter.engine.status()).model?.modelId,
    );
    expect(code).toContain(
      "new OpenAI({ baseURL: 'http://typewriter.local/v1', apiKey: 'local', fetch: typewriter.fetch, dangerouslyAllowBrowser: true })",
    );
    expect(code).toContain(`model: ${JSON.stringify(model)}`);
    await expect(dialog.getByRole('button', { name: 'Copy API snippet' })).toBeVisible();
    await screenshot(page, 'developer-panel');
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Run it: only the import line is swapped for the bundle already in the page.
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    const body = code.replace("import OpenAI from 'openai';", 'const OpenAI = window.OpenAIModule.default;');
    await page.evaluate(`(async () => { ${body} })()`);
    expect(logged.some((line) => line.includes('completion_tokens'))).toBe(true);
  });
});

test('the same through the embed SDK from a page on another origin', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const urls = await prepare(context, [HOST_ORIGIN], openaiBundle);
  const page = await context.newPage();
  await mountSdk(page, { model: 'demo' });
  await loadOpenAi(page, HOST_ORIGIN);
  const result = await page.evaluate(async (prompt) => {
    const w = window as unknown as HostWindow & PageWindow;
    const client = new w.OpenAIModule.default({
      baseURL: 'http://typewriter.local/v1',
      apiKey: 'local',
      fetch: w.tw.fetch,
      dangerouslyAllowBrowser: true,
    });
    const models = (await client.models.list()).data.map((m) => m.id);
    const model = models[0] ?? '';
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      max_tokens: 24,
    });
    let text = '';
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    const whole = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: prompt }],
      temperature: 0,
      max_tokens: 24,
    });
    let refused: unknown = null;
    try {
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], logit_bias: { 1: 5 } });
    } catch (e) {
      refused = {
        isBadRequest: e instanceof w.OpenAIModule.BadRequestError,
        message: (e as Error).message,
      };
    }
    return { models, text, usage, whole: whole.choices[0]?.message.content, refused };
  }, PROMPT);
  const frame = await widgetFrame(page);
  const widgetStatus = () =>
    frame.evaluate(() => (window as unknown as WidgetWindow).__typewriterEmbed.bridge!.engine.status());
  const passesBefore = (await widgetStatus()).forwardPasses;
  // Abort through the SDK: the widget stops its engine (a fetch-abort message, then engine.stop()).
  const deltas = await page.evaluate(async () => {
    const w = window as unknown as HostWindow & PageWindow;
    const client = new w.OpenAIModule.default({
      baseURL: 'http://typewriter.local/v1',
      apiKey: 'local',
      fetch: w.tw.fetch,
      dangerouslyAllowBrowser: true,
    });
    const model = (await client.models.list()).data[0]?.id ?? '';
    const controller = new AbortController();
    const long = await client.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'Go on.' }], stream: true, max_tokens: 400 },
      { signal: controller.signal },
    );
    let count = 0;
    for await (const chunk of long) {
      if (chunk.choices[0]?.delta.content) count += 1;
      if (count === 3) controller.abort();
    }
    return count;
  });
  await expect.poll(async () => (await widgetStatus()).state).toBe('ready');
  expect(deltas).toBe(3);
  // Prefill, the 3 tokens read, the few queued ahead of the reader and the pass in flight; not 400.
  expect((await widgetStatus()).forwardPasses - passesBefore).toBeLessThan(30);
  const reference = await engineText(frame, '__typewriterEmbed.bridge.engine', PROMPT, 24);
  expect(result.models).toHaveLength(1);
  expect(result.text.length).toBeGreaterThan(0);
  expect(result.text).toBe(reference.text);
  expect(result.whole).toBe(reference.text);
  expect(result.usage).toMatchObject({ completion_tokens: reference.tokens });
  expect(result.refused).toMatchObject({ isBadRequest: true, message: expect.stringContaining("'logit_bias'") });
  expectOnlyLocalhost(urls);
  await context.close();
});
