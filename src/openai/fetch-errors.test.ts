import OpenAI, { APIError, InternalServerError, NotFoundError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../workers/protocol';
import { FakeEngine } from '../engine/fake-engine';
import { createOpenAiFetch } from './fetch';
import { MODEL, setup, user } from './test-client';

describe('in-page OpenAI fetch: models, refusals, Stop and failures, through the official client', () => {
  it('lists and retrieves the loaded model, and 404s another one', async () => {
    const { client } = await setup();
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual([MODEL]);
    expect((await client.models.retrieve(MODEL)).owned_by).toBe('typewriter');
    await expect(client.models.retrieve('other/model')).rejects.toBeInstanceOf(NotFoundError);
    const wrong = await client.chat.completions.create({ model: 'gpt-4o', messages: user }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(NotFoundError);
    expect((wrong as NotFoundError).message).toContain(`model: '${MODEL}'`);
  });

  it('says 503 model_not_loaded without a model, and the client does not retry it', async () => {
    const { client, requests } = await setup({}, false);
    const error = await client.chat.completions.create({ model: MODEL, messages: user }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(503);
    expect((error as InternalServerError).code).toBe('model_not_loaded');
    expect(requests).toHaveLength(1);
    expect((await client.models.list()).data).toEqual([]);
  });

  it('says 429 engine_busy while another generation runs, without retries', async () => {
    const { client, engine, requests } = await setup({ tokenIntervalMs: 5 });
    const other = await engine.generate({ prompt: 'x', maxTokens: 50 });
    const error = await client.chat.completions.create({ model: MODEL, messages: user }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).code).toBe('engine_busy');
    expect(requests).toHaveLength(1);
    await engine.stop();
    for await (const event of other) if (event.type === 'done') expect(event.reason).toBe('stopped');
  });

  it('makes aborting the request our Stop: the engine stops and takes the next request', async () => {
    const { client, engine } = await setup({ tokenIntervalMs: 2 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: MODEL, messages: user, stream: true, max_tokens: 1000 },
      { signal: controller.signal },
    );
    let deltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas += 1;
      if (deltas === 3) controller.abort();
    }
    expect(engine.calls.some((c) => c.method === 'stop')).toBe(true);
    await expect.poll(async () => (await engine.status()).state).toBe('ready');
    const passes = (await engine.status()).forwardPasses;
    expect(passes).toBeLessThan(1000);
    const next = await client.chat.completions.create({ model: MODEL, messages: user, max_tokens: 2 });
    expect(next.choices[0]?.finish_reason).toBe('length');
  });

  it('stops the engine when the reader breaks out of the loop', async () => {
    const { client, engine } = await setup({ tokenIntervalMs: 2 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: user,
      stream: true,
      max_tokens: 1000,
    });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    await expect.poll(async () => (await engine.status()).state).toBe('ready');
    expect(engine.calls.some((c) => c.method === 'stop')).toBe(true);
  });

  it('reports an engine error that comes before the start event as an HTTP error, not a 200 stream', async () => {
    class FailingEngine extends FakeEngine {
      override async generate(): Promise<ReadableStream<StreamEvent>> {
        return new ReadableStream<StreamEvent>({
          start(controller) {
            controller.enqueue({
              type: 'error',
              name: 'GenerationError',
              message: 'The KV cache could not be prepared.',
            });
            controller.close();
          },
        });
      }
    }
    const engine = new FailingEngine();
    await engine.load({ source: { kind: 'hub', id: MODEL } });
    const client = new OpenAI({
      baseURL: 'http://typewriter.local/v1',
      apiKey: 'local',
      fetch: createOpenAiFetch({ engine }),
    });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: user, stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(500);
    expect((error as InternalServerError).message).toContain('GenerationError: The KV cache could not be prepared.');
  });

  it('ends a stream with a WorkerCrashed error event when the worker dies, instead of hanging', async () => {
    class HangingEngine extends FakeEngine {
      override async generate(): Promise<ReadableStream<StreamEvent>> {
        return new ReadableStream<StreamEvent>({
          start(controller) {
            controller.enqueue({ type: 'start', requestId: 'r', promptTokens: 3, maxTokens: 9, timestamp: 0 });
            controller.enqueue({ type: 'token', id: 1, text: 'Hi', index: 0, timestamp: 0 });
            // ...and nothing more: a dead worker's stream never ends.
          },
        });
      }
    }
    const engine = new HangingEngine();
    await engine.load({ source: { kind: 'hub', id: MODEL } });
    let crash: (error: Error) => void = () => {};
    const fetch = createOpenAiFetch({ engine, onCrash: (listener) => ((crash = listener), () => {}) });
    const client = new OpenAI({ baseURL: 'http://typewriter.local/v1', apiKey: 'local', fetch });
    const stream = await client.chat.completions.create({ model: MODEL, messages: user, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (text === 'Hi') crash(Object.assign(new Error('The engine worker crashed.'), { name: 'WorkerCrashed' }));
      }
    })().catch((e: unknown) => e);
    expect(text).toBe('Hi');
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('WorkerCrashed: The engine worker crashed.');
  });
});
