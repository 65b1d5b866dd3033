import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { ModelSpec } from '../workers/protocol';
import { HUB_ORIGIN } from './support/ports';
import { answerText, assistantMessages, send, setSampling } from './support/ui-chat';

/**
 * User story: a WebGPU device is lost mid-answer (a driver reset, the GPU process crashing). The text so far
 * stays, the app says "GPU lost — continuing on CPU", a fresh engine worker loads the same model on WASM from the
 * cache (no download) and finishes the same answer from its tokens so far; later loads stay on WASM.
 *
 * Workers do not run init scripts, so the test writes a copy of the built engine worker with a prelude next to
 * it in the build (served by the real preview server, with the real headers), and an init script starts that
 * copy instead. The prelude records every GPUDevice the worker requests and destroys them when the page says
 * so on a BroadcastChannel (a message to the worker would reach Comlink too). Same origin, so the production
 * CSP (worker-src 'self', Trusted Types) stays on.
 */

const ASSETS = join(process.env.TW_DIST ?? 'dist', 'assets');
const TEST_WORKER = 'engine.worker-gpu-loss-test.js';

const redirectEngineWorker = (testWorker: string) => `(() => {
  const RealWorker = window.Worker;
  window.Worker = class extends RealWorker {
    constructor(url, options) {
      super(options && options.name === 'typewriter-engine' ? new URL('/assets/${testWorker}', location.href).href : url, options);
    }
  };
})();`;

const GPU_PRELUDE = `{
  const devices = [];
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await requestDevice.apply(this, args);
    devices.push(device);
    return device;
  };
  new BroadcastChannel('__test-gpu').onmessage = () => { for (const device of devices) device.destroy(); };
}
`;

const REPO = 'typewriter/demo-gpu-lost';
const SPEC: ModelSpec = { source: { kind: 'hub', id: REPO, host: HUB_ORIGIN }, backend: 'webgpu', dtype: 'fp32' };

async function modelFileRequests(): Promise<string[]> {
  const response = await fetch(`${HUB_ORIGIN}/__requests?repo=${encodeURIComponent(REPO)}`);
  const { paths } = (await response.json()) as { paths: string[] };
  return paths.filter((p) => !p.startsWith('/api/'));
}

const bridgeLoad = (page: Page, spec: ModelSpec) =>
  page.evaluate(async (s) => {
    const tw = (window as unknown as { __typewriter: { bridge: { load(s: unknown): Promise<unknown> } } }).__typewriter;
    return tw.bridge.load(s) as Promise<{ ok: boolean; result?: { backend: string; backendReason: string } }>;
  }, spec);

// A service worker would answer the worker script from its precache, before the route could.
test.use({ serviceWorkers: 'block' });
test.afterAll(() => rmSync(join(ASSETS, TEST_WORKER), { force: true }));

/** The app with the test worker (its GPU devices can be destroyed) and SPEC loaded on WebGPU from the mock Hub. */
async function openOnLosableGpu(page: Page) {
  await fetch(`${HUB_ORIGIN}/__control`, { method: 'DELETE' });
  const built = readdirSync(ASSETS).find((f) => /^engine\.worker-.+\.js$/.test(f) && f !== TEST_WORKER);
  expect(built, `the built engine worker in ${ASSETS}`).toBeTruthy();
  writeFileSync(join(ASSETS, TEST_WORKER), GPU_PRELUDE + readFileSync(join(ASSETS, built ?? ''), 'utf8'));
  await page.addInitScript(redirectEngineWorker(TEST_WORKER));
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('/');
  const status = page.getByLabel('Model status');
  await expect(status).toContainText('WebGPU', { timeout: 120_000 });
  const loaded = await bridgeLoad(page, SPEC);
  expect(loaded).toMatchObject({ ok: true, result: { backend: 'webgpu' } });
  const downloaded = await modelFileRequests();
  expect(downloaded).toContain('onnx/model.onnx');
  return { workers, status, downloaded };
}

const loseGpu = (page: Page) => page.evaluate(() => new BroadcastChannel('__test-gpu').postMessage('destroy'));

test('a GPU device lost mid-answer: text kept, "GPU lost — continuing on CPU", same answer finished on WASM from the cache @webgpu', async ({
  page,
}) => {
  test.skip(test.info().project.name !== 'webgpu', 'needs a WebGPU device to lose');
  test.setTimeout(240_000);
  const { workers, status, downloaded } = await openOnLosableGpu(page);

  await setSampling(page, { 'Max tokens': '40', Temperature: '0' });
  await send(page, 'Tell me something long.');
  const answer = assistantMessages(page).last();
  await expect.poll(async () => (await answerText(answer)).length, { timeout: 60_000 }).toBeGreaterThan(8);
  const before = await answerText(answer);
  expect(workers.some((url) => url.endsWith(TEST_WORKER))).toBe(true);
  await loseGpu(page);

  await expect(page.getByRole('alert')).toContainText('GPU lost — continuing on CPU', { timeout: 60_000 });
  await expect(status).toContainText('WASM');
  await expect(answer.locator('.msg-footer')).toContainText(/finished|reached max tokens/, { timeout: 120_000 });
  const after = await answerText(answer);
  // The same answer went on: what was shown before the loss is where it continued from.
  // (The finished answer renders as markdown, which drops leading and trailing spaces.)
  expect(after.startsWith(before.trim())).toBe(true);
  expect(after.length).toBeGreaterThan(before.length);
  // ORT's WebGPU state went with the device: the answer went on in a fresh worker.
  expect(workers.filter((url) => url.endsWith(TEST_WORKER)).length).toBeGreaterThanOrEqual(2);
  // Reloaded from the cache: no model file was fetched again.
  expect(await modelFileRequests()).toEqual(downloaded);

  // Usable afterwards, still on WASM.
  await send(page, 'And another thing.');
  await expect(assistantMessages(page).last().locator('.msg-footer')).toContainText(/finished|reached max tokens/, {
    timeout: 120_000,
  });
  // A later load in the same session (a fresh worker for a switch) stays off WebGPU, and says why.
  const again = await bridgeLoad(page, { ...SPEC, backend: 'auto' });
  expect(again).toMatchObject({ ok: true, result: { backend: 'wasm' } });
  expect(again.result?.backendReason).toContain('GPU was lost earlier in this session');
});

test('an OpenAI API answer whose GPU is lost goes on on WASM: one stream, every token, usage, and the app on WASM @webgpu', async ({
  page,
}) => {
  test.skip(test.info().project.name !== 'webgpu', 'needs a WebGPU device to lose');
  test.setTimeout(240_000);
  const { workers, status, downloaded } = await openOnLosableGpu(page);
  // A streaming request through the page's API, read chunk by chunk; the GPU goes once 8 chunks have arrived.
  await page.evaluate(async (model) => {
    const w = window as unknown as {
      typewriter: { fetch: typeof fetch };
      __api: { chunks: unknown[]; done: boolean; error: string | null };
    };
    w.__api = { chunks: [], done: false, error: null };
    const response = await w.typewriter.fetch('http://typewriter.local/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Tell me something long.' }],
        max_tokens: 40,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const lines = buffer.split('\n\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            const data = line.replace(/^data: /, '');
            if (data === '[DONE]') w.__api.done = true;
            else w.__api.chunks.push(JSON.parse(data));
          }
        }
      } catch (error) {
        w.__api.error = String(error);
      }
    })();
  }, REPO);
  type Chunk = {
    choices: { delta: { content?: string }; finish_reason: string | null }[];
    usage?: { completion_tokens: number };
    error?: unknown;
  };
  const api = () =>
    page.evaluate(
      () => (window as unknown as { __api: { chunks: Chunk[]; done: boolean; error: string | null } }).__api,
    );
  await expect.poll(async () => (await api()).chunks.length, { timeout: 60_000 }).toBeGreaterThan(8);
  await loseGpu(page);
  await expect.poll(async () => (await api()).done, { timeout: 120_000 }).toBe(true);
  const { chunks, error } = await api();
  expect(error).toBeNull();
  expect(chunks.filter((c) => c.error)).toEqual([]);
  // One answer: every token the request asked for, one finish, and the usage counts them all.
  expect(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]?.finish_reason)).toEqual(['length']);
  expect(chunks.at(-1)?.usage?.completion_tokens).toBe(40);
  // It went on in a fresh worker on WASM, from the cache, and the app says so.
  expect(workers.filter((url) => url.endsWith(TEST_WORKER)).length).toBeGreaterThanOrEqual(2);
  await expect(status).toContainText('WASM');
  await expect(page.getByRole('alert')).toContainText('GPU lost — continuing on CPU');
  expect(await modelFileRequests()).toEqual(downloaded);
});
