import OpenAI, { APIError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import type { GenerateRequest, StreamEvent } from '../../workers/protocol';
import { FakeEngine, type FakeEngineOptions } from '../engine/fake-engine';
import { createOpenAiFetch } from './fetch';

const MODEL = 'test/model';

async function setup(options: FakeEngineOptions = {}, load = true) {
  const engine = new FakeEngine({ tokenIntervalMs: 1, ...options });
  if (load) await engine.load({ source: { kind: 'hub', id: MODEL } });
  const inner = createOpenAiFetch({ engine, now: () => 1_700_000_000 });
  const requests: string[] = [];
  // The official client, unmodified, with our function as its fetch.
  const client = new OpenAI({
    baseURL: 'http://typewriter.local/v1',
    apiKey: 'local',
    fetch: (input, init) => {
      requests.push(String(input));
      return inner(input, init);
    },
  });
  const generated = () => engine.calls.filter((c) => c.method === 'generate').map((c) => c.arg as GenerateRequest);
  return { engine, client, requests, generated };
}

const SCRIPT = ['Hel', 'lo', ' wor', 'ld', '!'];
const user = [{ role: 'user' as const, content: 'Hi' }];

describe('in-page OpenAI fetch, driven by the official client', () => {
  it('streams chunks whose deltas join to the engine text, with finish_reason and usage', async () => {
    const { client } = await setup({ script: SCRIPT });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(SCRIPT.join(''));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('sends no usage chunk without stream_options.include_usage, and says length when max_tokens ends it', async () => {
    const { client, generated } = await setup({ script: SCRIPT });
    const stream = await client.chat.completions.create({ model: MODEL, messages: user, stream: true, max_tokens: 2 });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => !c.usage)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
    expect(generated()[0]?.maxTokens).toBe(2);
  });

  it('answers a whole completion with message, finish_reason and usage', async () => {
    const { client } = await setup({ script: SCRIPT });
    const completion = await client.chat.completions.create({ model: MODEL, messages: user, max_completion_tokens: 3 });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      created: 1_700_000_000,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello wor' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
    });
  });

  it('maps sampling fields to the engine request, with OpenAI defaults for the rest', async () => {
    const { client, generated } = await setup({ script: SCRIPT });
    await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
      temperature: 0,
      seed: 7,
      stop: 'END',
    });
    await client.chat.completions.create({ model: MODEL, messages: user, top_p: 0.5, stop: ['x', 'y'] });
    expect(generated()[0]).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'a\nb' },
      ],
      temperature: 0,
      seed: 7,
      stop: ['END'],
      topP: 1,
      topK: 0,
      repetitionPenalty: 1,
    });
    expect(generated()[1]).toMatchObject({ temperature: 1, topP: 0.5, stop: ['x', 'y'] });
  });

  it('refuses unsupported parameters with a 400 that names each of them, before the engine runs', async () => {
    const { client, generated } = await setup({ script: SCRIPT });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: user, n: 2, logprobs: true, presence_penalty: 0.5, modalities: ['audio'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    const bad = error as BadRequestError;
    expect(bad.status).toBe(400);
    expect(bad.param).toBe('n');
    expect(bad.code).toBe('unsupported_parameter');
    for (const field of ["'n'", "'logprobs'", "'presence_penalty'", "'modalities'"])
      expect(bad.message).toContain(field);
    expect(generated()).toEqual([]);
    // The no-op values of the same fields are accepted.
    const ok = await client.chat.completions.create({
      model: MODEL,
      messages: user,
      n: 1,
      logprobs: false,
      presence_penalty: 0,
    });
    expect(ok.choices[0]?.message.content).toBe(SCRIPT.join(''));
  });

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

  it('turns <tool_call> blocks into tool_calls, streamed and whole, with finish_reason tool_calls', async () => {
    const script = ['<tool_call>', '\n{"name": "get_', 'weather", "arguments": {"city": "Paris"}}', '\n</tool_call>'];
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const { client, generated } = await setup({ script });
    const stream = await client.chat.completions.create({ model: MODEL, messages: user, tools, stream: true });
    const calls = [];
    let content = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      calls.push(...(choice?.delta.tool_calls ?? []));
      content += choice?.delta.content ?? '';
      finish = choice?.finish_reason ?? finish;
    }
    expect(content).toBe('');
    expect(finish).toBe('tool_calls');
    expect(calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
    ]);
    expect(generated()[0]?.tools).toEqual([tools[0]?.function]);

    const whole = await client.chat.completions.create({
      model: MODEL,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [
        ...user,
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '12°C' },
      ],
    });
    expect(whole.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather' } }] },
    });
    expect(generated()[1]).toMatchObject({
      toolChoice: { name: 'get_weather' },
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', content: '12°C', toolCallId: 'c1' },
      ],
    });
  });

  it("satisfies the client's own stream accumulator (chat.completions.stream → finalChatCompletion)", async () => {
    const script = ['Sure.', '<tool_call>\n{"name": "lookup", "arguments": {"q": "ü"}}\n</tool_call>'];
    const { client } = await setup({ script });
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: user,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: 'Sure.',
        tool_calls: [{ function: { name: 'lookup', arguments: '{"q":"ü"}' } }],
      },
    });
    expect(final.usage?.completion_tokens).toBe(2);
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

  it('answers unknown URLs and methods in OpenAI error shape', async () => {
    const { engine } = await setup();
    const fetch = createOpenAiFetch({ engine });
    const unknown = await fetch('http://typewriter.local/v1/embeddings', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'not_found_error', code: 'unknown_url' } });
    expect((await fetch('http://typewriter.local/v1/chat/completions')).status).toBe(405);
    const bad = await fetch('http://typewriter.local/v1/chat/completions', { method: 'POST', body: '{' });
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_json', param: null } });
  });
});
