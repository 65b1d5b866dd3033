import { BadRequestError } from 'openai';
import { describe, expect, it } from 'vitest';
import { createOpenAiFetch } from './fetch';
import { MODEL, SCRIPT, setup, user } from './test-client';

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
