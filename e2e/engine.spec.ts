import { expect, test } from '@playwright/test';
import { APP_ORIGIN } from './support/ports';
import {
  DEMO,
  EOS_TEST,
  finish,
  forwardPasses,
  generateError,
  load,
  loadError,
  openHarness,
  pauseAndDrain,
  run,
  startRun,
  tokenCount,
  waitForTokens,
} from './support/engine-harness';

/**
 * User story: a developer drives the engine directly — load, stream, pause,
 * stop — and gets exactly the tokens the standard transformers.js path gives.
 * Titles tagged @webgpu also run on the WebGPU (SwiftShader) project.
 */

const onWebGpu = () => test.info().project.name === 'webgpu';
const chat = (content: string) => [{ role: 'user' as const, content }];

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await openHarness(page);
});

test('loads the bundled model and says which backend it chose and why @webgpu', async ({ page }) => {
  const info = await load(page, DEMO);
  expect(info.dtype).toBe('fp32');
  expect(info.contextLength).toBe(4096);
  expect(info.randomWeights).toBe(true);
  if (onWebGpu()) {
    expect(info.backend).toBe('webgpu');
    expect(info.backendReason).toMatch(/WebGPU adapter/);
    expect(info.adapter?.shaderF16).toBe(false);
  } else {
    expect(info.backend).toBe('wasm');
    expect(info.backendReason).toBe('no WebGPU adapter');
    expect(info.threads).toBeGreaterThanOrEqual(1);
  }
});

test('greedy tokens equal transformers.js generate() on the same model @webgpu', async ({ page }) => {
  await load(page, DEMO);
  const request = {
    messages: chat('Tell me a story about a lighthouse.'),
    maxTokens: onWebGpu() ? 12 : 48,
    temperature: 0,
    repetitionPenalty: 1.3,
  };
  const ours = await run(page, request);
  const peer = await page.evaluate((r) => window.__typewriter.engine.peerGenerate(r), request);
  expect(ours.reason).toBe('length');
  expect(ours.ids).toHaveLength(request.maxTokens);
  expect(ours.ids).toEqual(peer.tokenIds);
  expect(ours.texts.join('')).toBe(ours.doneText);
  expect(new Set(ours.ids).size).toBeGreaterThan(3);
});

test('pause runs no forward pass and resumes token-for-token @webgpu', async ({ page }) => {
  test.setTimeout(240_000);
  await load(page, DEMO);
  const maxTokens = onWebGpu() ? 16 : 600;
  const request = { prompt: 'Once upon a time', maxTokens, temperature: 0.9, topK: 50, seed: 1234 };
  const reference = await run(page, request);

  await startRun(page, request);
  await waitForTokens(page, onWebGpu() ? 4 : 50);
  const tokensAtPause = await pauseAndDrain(page);
  const passesAtPause = await forwardPasses(page);
  expect(passesAtPause).toBeGreaterThanOrEqual(tokensAtPause);
  await page.waitForTimeout(1200);
  expect(await tokenCount(page)).toBe(tokensAtPause);
  expect(await forwardPasses(page)).toBe(passesAtPause);
  expect(await page.evaluate(async () => (await window.__typewriter.engine.status()).state)).toBe('paused');

  await page.evaluate(() => window.__typewriter.engine.resume());
  const resumed = await finish(page);
  expect(resumed.reason).toBe('length');
  expect(resumed.ids).toEqual(reference.ids);
  // No gap of a second inside the token times except the pause itself.
  expect(resumed.stats?.decodeTokPerS).toBeGreaterThan(0);
});

test('stop ends within one token, during decode and during prefill, and the engine takes a new request @webgpu', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await load(page, DEMO);
  // One token per pass, so passes bound tokens (speculation has its own stop test in kv-cache.spec).
  await startRun(page, { prompt: 'Stop me', maxTokens: onWebGpu() ? 200 : 3000, temperature: 0, speculative: 'off' });
  await waitForTokens(page, 5);
  const atStop = await page.evaluate(async () => {
    const engine = window.__typewriter.engine;
    // Posted back to back, so the worker reads both between the same two passes.
    const [status] = await Promise.all([engine.status(), engine.stop()]);
    const after = (await engine.status()).forwardPasses;
    await new Promise((r) => setTimeout(r, 300));
    return { before: status.forwardPasses, after, later: (await engine.status()).forwardPasses };
  });
  const stopped = await finish(page);
  expect(stopped.reason).toBe('stopped');
  // At most the pass already in flight completes; tokens queued before Stop may still drain.
  expect(atStop.after - atStop.before).toBeLessThanOrEqual(1);
  expect(atStop.later).toBe(atStop.after);
  expect(stopped.ids.length).toBeLessThanOrEqual(atStop.after);
  expect(stopped.texts.join('')).toBe(stopped.doneText);
  // Safe to call twice.
  await page.evaluate(() => window.__typewriter.engine.stop());

  // Stop while the prompt is still being processed: no token comes out, and only the prefill pass ran.
  const longPrompt = 'The quick brown fox jumps over the lazy dog. '.repeat(onWebGpu() ? 20 : 180);
  const duringPrefill = await page.evaluate(async (prompt) => {
    const engine = window.__typewriter.engine;
    const before = (await engine.status()).forwardPasses;
    const stream = await engine.generate({ prompt, maxTokens: 50, temperature: 0 });
    const stopping = engine.stop();
    const events: string[] = [];
    let reason = '';
    for await (const event of stream as unknown as AsyncIterable<{ type: string; reason?: string }>) {
      events.push(event.type);
      if (event.type === 'done') reason = event.reason ?? '';
    }
    await stopping;
    return { events, reason, passes: (await engine.status()).forwardPasses - before };
  }, longPrompt);
  expect(duringPrefill.reason).toBe('stopped');
  expect(duringPrefill.events).not.toContain('token');
  expect(duringPrefill.passes).toBeLessThanOrEqual(1);

  const next = await run(page, { prompt: 'Again', maxTokens: 5, temperature: 0 });
  expect(next.reason).toBe('length');
  expect(next.ids).toHaveLength(5);
});

test('a stream whose worker dies ends with WorkerCrashed, read in flight or read after', async ({ page }) => {
  // A stream transferred from a worker that is then terminated neither closes nor errors by itself.
  const killEngineWorker = async () => {
    const engines = page.workers().filter((w) => /engine\.worker/.test(w.url()));
    await engines
      .at(-1)
      ?.evaluate(() => self.close())
      .catch(() => undefined);
  };
  await load(page, DEMO);
  // A read waiting on the worker when it dies.
  await startRun(page, { prompt: 'Tell me a story', maxTokens: 3000, temperature: 0, speculative: 'off' });
  await waitForTokens(page, 20);
  await killEngineWorker();
  const inFlight = await page.evaluate(() =>
    (window.__run as Promise<unknown>).then(
      () => 'ended normally',
      (e: Error) => `${e.name}: ${e.message}`,
    ),
  );
  expect(inFlight).toMatch(/^WorkerCrashed: The engine worker crashed/);

  // A stream nobody reads while its worker dies: its next read fails at once.
  await load(page, DEMO);
  type IdleWindow = { __idle: ReadableStreamDefaultReader<{ type: string }> };
  await page.evaluate(async () => {
    const stream = await window.__typewriter.engine.generate({ prompt: 'Go on', maxTokens: 3000, temperature: 0 });
    const reader = stream.getReader();
    for (let i = 0; i < 5; i++) await reader.read();
    (window as unknown as IdleWindow).__idle = reader;
  });
  await killEngineWorker();
  // The heartbeat notices within ~2 s and starts a fresh worker, which answers with no model loaded (a status call
  // that was waiting on the dead one fails with WorkerCrashed).
  const freshStatus = () =>
    page.evaluate(() =>
      window.__typewriter.engine.status().then(
        (s) => (s.model === null ? 'fresh worker' : 'same worker'),
        (e: Error) => e.name,
      ),
    );
  await expect.poll(freshStatus, { timeout: 15_000 }).toBe('fresh worker');
  // What the last batch carried before the worker died is still read out, then the stream ends.
  const readAfter = await page.evaluate(async () => {
    const reader = (window as unknown as IdleWindow).__idle;
    let queued = 0;
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) return { end: 'closed', queued };
        queued++;
      }
    } catch (e) {
      return { end: `${(e as Error).name}: ${(e as Error).message}`, queued };
    }
  });
  expect(readAfter.end).toMatch(/^WorkerCrashed: The engine worker crashed/);
  expect(readAfter.queued).toBeLessThan(100);
  // And the engine works again.
  await load(page, DEMO);
  expect((await run(page, { prompt: 'Again', maxTokens: 5, temperature: 0 })).ids).toHaveLength(5);
});

test('a reader that stops reading stops generation after a small queue @webgpu', async ({ page }) => {
  await load(page, DEMO);
  const before = await forwardPasses(page);
  const produced = await page.evaluate(async () => {
    const engine = window.__typewriter.engine;
    const stream = await engine.generate({ prompt: 'Backpressure', maxTokens: 2000, temperature: 0 });
    const reader = stream.getReader();
    await reader.read(); // start event only, then nothing
    await new Promise((r) => setTimeout(r, 1500));
    const status = await engine.status();
    await reader.cancel();
    return { passes: status.forwardPasses, queued: status.queuedEvents, state: status.state };
  });
  const passes = produced.passes - before;
  expect(produced.state).toBe('generating');
  expect(passes).toBeGreaterThan(0);
  expect(passes).toBeLessThanOrEqual(12);
  // Cancelling the stream released the engine.
  const next = await run(page, { prompt: 'Free again', maxTokens: 3, temperature: 0 });
  expect(next.ids).toHaveLength(3);
});

test('stream ends with EOS and with stop sequences, never emitting the stop text', async ({ page }) => {
  await load(page, EOS_TEST);
  const eos = await run(page, { prompt: 'Hi', maxTokens: 500, temperature: 0 });
  expect(eos.reason).toBe('eos');
  expect(eos.ids.length).toBeLessThan(500);
  expect(eos.ids.length).toBeGreaterThan(10);

  await load(page, DEMO);
  const free = await run(page, { prompt: 'Write something', maxTokens: 60, temperature: 0 });
  // A stop sequence built from the text of tokens 10..12, so it spans several tokens.
  const stop = free.texts.slice(10, 13).join('');
  expect(stop.length).toBeGreaterThan(1);
  const cut = await run(page, { prompt: 'Write something', maxTokens: 60, temperature: 0, stop: [stop] });
  expect(cut.reason).toBe('stop-sequence');
  expect(cut.doneText).toBe(free.doneText?.slice(0, free.doneText.indexOf(stop)));
  expect(cut.doneText).not.toContain(stop);
  expect(cut.texts.join('')).toBe(cut.doneText);
});

test('bad input gets a named error and the engine keeps working @webgpu', async ({ page }) => {
  expect(await generateError(page, { prompt: 'no model yet' })).toMatchObject({ name: 'ModelNotLoaded' });
  await load(page, DEMO);
  const cases: [object, string, RegExp][] = [
    [{ prompt: 'x', temperature: Number.NaN }, 'InvalidParams', /temperature.*NaN/],
    [{ prompt: 'x', maxTokens: -5 }, 'InvalidParams', /maxTokens/],
    [{ prompt: 'x', maxTokens: 10_000_000 }, 'InvalidParams', /maxTokens.*100000/],
    [{ prompt: 'x', topP: 7 }, 'InvalidParams', /topP/],
    [{ prompt: '' }, 'InvalidParams', /prompt is empty/],
    [{ messages: [] }, 'InvalidParams', /messages is empty/],
    [
      { prompt: 'lorem ipsum dolor sit amet '.repeat(2000) },
      'ContextOverflow',
      /prompt is \d+ tokens.*context holds 4096/,
    ],
  ];
  for (const [request, name, message] of cases) {
    const error = await generateError(page, request);
    expect(error.name, JSON.stringify(request).slice(0, 80)).toBe(name);
    expect(error.message).toMatch(message);
  }
  const missing = await loadError(page, { source: { kind: 'url', url: '/models/does-not-exist/' } });
  expect(missing.name).toBe('ModelFileMissing');
  expect(missing.message).toMatch(/config\.json/);
  // The failed load left no half-loaded model behind, and a good load works again.
  await load(page, DEMO);
  const ok = await run(page, { prompt: 'Still alive', maxTokens: 4, temperature: 0 });
  expect(ok.ids).toHaveLength(4);
});

test('explicit WebGPU without an adapter is a named error; auto falls back to WASM', async ({ page }) => {
  test.skip(onWebGpu(), 'needs a browser without a WebGPU adapter');
  const error = await loadError(page, { ...DEMO, backend: 'webgpu' });
  expect(error.name).toBe('WebGpuUnavailable');
  expect(error.message).toMatch(/no WebGPU adapter/);
  const info = await load(page, { ...DEMO, backend: 'auto' });
  expect(info.backend).toBe('wasm');
  expect(info.fellBack).toBe(false);
  expect(info.backendReason).toBe('no WebGPU adapter');
});

test('no request leaves localhost, worker requests included @webgpu', async ({ page, context }) => {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  page.on('worker', (w) => urls.push(`worker:${w.url()}`));
  await openHarness(page);
  await load(page, DEMO);
  await run(page, { prompt: 'Where do my bytes go?', maxTokens: 8, temperature: 0 });
  expect(urls.some((u) => u.includes('/models/demo/onnx/model.onnx'))).toBe(true);
  expect(urls.some((u) => u.includes('ort-wasm-simd-threaded'))).toBe(true);
  const foreign = urls.filter((u) => !u.replace(/^worker:/, '').startsWith(APP_ORIGIN) && !u.startsWith('blob:'));
  expect(foreign).toEqual([]);
});
