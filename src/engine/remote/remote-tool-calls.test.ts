import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ModelSpec, StreamEvent } from '../../../workers/protocol';
import { createOpenAiFetch } from '../../openai/fetch';
import { createRemoteEngine } from './remote-engine';

const SPEC: ModelSpec = { source: { kind: 'remote', baseUrl: 'http://llm.test/v1', model: 'm1' } };
const ARGS = ['{"city": "Par', 'is \\"Rive ', 'Gauche\\" ü✓", "days": 2}'];
const ARGS_TEXT = ARGS.join('');
const TOOLS = [
  { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } },
  { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object' } } },
];

const event = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const callStart = (index: number, name: string) =>
  event({ tool_calls: [{ index, id: `call_srv_${index}`, type: 'function', function: { name, arguments: '' } }] });
const callArgs = (index: number, args: string) => event({ tool_calls: [{ index, function: { arguments: args } }] });

/** Two parallel calls as OpenAI streams them: id and name first, then the arguments string in fragments. */
const TWO_CALLS = [
  event({ role: 'assistant', content: null }),
  callStart(0, 'get_weather'),
  ...ARGS.map((a) => callArgs(0, a)),
  callStart(1, 'get_time'),
  callArgs(1, '{}'),
  event({}, 'tool_calls'),
  'data: [DONE]\n\n',
];

/** A server that lists one model and answers every chat request with `pieces`, one per read (then holds it open). */
function server(pieces: string[], holdOpen = false) {
  const bodies: unknown[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    if (String(input).endsWith('/models'))
      return new Response(JSON.stringify({ object: 'list', data: [{ id: 'm1' }] }), { status: 200 });
    bodies.push(JSON.parse(String(init.body)));
    const queue = [...pieces];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = queue.shift();
        if (next !== undefined) return controller.enqueue(encoder.encode(next));
        if (!holdOpen) return controller.close();
        await new Promise((resolve) => init.signal?.addEventListener('abort', resolve));
        controller.error(new DOMException('The user aborted a request.', 'AbortError'));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetchFn, bodies };
}

async function doneOf(stream: ReadableStream<StreamEvent>) {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error('no done event');
    if (value.type === 'done' || value.type === 'error') return value;
  }
}

async function connected(pieces: string[], holdOpen = false) {
  const fake = server(pieces, holdOpen);
  const engine = createRemoteEngine({ fetch: fake.fetchFn });
  await engine.load(SPEC);
  return { engine, bodies: fake.bodies };
}

describe("a remote server's function calls", () => {
  it('are put back in the text as <tool_call> blocks holding the exact arguments string', async () => {
    const { engine } = await connected(TWO_CALLS);
    const done = await doneOf(await engine.generate({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(done).toMatchObject({ type: 'done', reason: 'eos' });
    const text = done.type === 'done' ? done.text : '';
    const blocks = [...text.matchAll(/<tool_call>\n(.*?)\n<\/tool_call>/gs)].map(
      (m) => JSON.parse(m[1] ?? '') as unknown,
    );
    expect(blocks).toEqual([
      { name: 'get_weather', id: 'call_srv_0', arguments: ARGS_TEXT },
      { name: 'get_time', id: 'call_srv_1', arguments: '{}' },
    ]);
  });

  it('close the thinking before them, and a call cut by Stop is left open (the page shows it as text)', async () => {
    const think = event({ reasoning_content: 'which tool?' });
    const { engine } = await connected([think, callStart(0, 'get_weather'), callArgs(0, '{"city": ')], true);
    const stream = await engine.generate({ messages: [{ role: 'user', content: 'hi' }] });
    const reader = stream.getReader();
    let text = '';
    while (!text.endsWith('\\"city\\": ')) {
      const { done, value } = await reader.read();
      if (done || value.type === 'done' || value.type === 'error') throw new Error(`ended early: ${text}`);
      if (value.type === 'token') text += value.text;
    }
    expect(text).toBe(
      '<think>which tool?</think><tool_call>\n{"name": "get_weather", "id": "call_srv_0", "arguments": "{\\"city\\": ',
    );
    await engine.stop();
    let last: StreamEvent | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      last = value;
    }
    expect(last).toMatchObject({ type: 'done', reason: 'stopped', text });
  });

  it('reach the official client through the in-page API, streamed and not, with their names and arguments', async () => {
    const { engine, bodies } = await connected(TWO_CALLS);
    const client = new OpenAI({
      baseURL: 'http://typewriter.local/v1',
      apiKey: 'local',
      fetch: createOpenAiFetch({ engine, now: () => 1_700_000_000 }),
    });
    const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];

    const stream = await client.chat.completions.create({ model: 'm1', messages, tools: TOOLS, stream: true });
    const calls: { id: string; name: string; arguments: string }[] = [];
    let finish: string | null = null;
    let content = '';
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      content += choice?.delta.content ?? '';
      finish = choice?.finish_reason ?? finish;
      for (const call of choice?.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { id: '', name: '', arguments: '' });
        slot.id += call.id ?? '';
        slot.name += call.function?.name ?? '';
        slot.arguments += call.function?.arguments ?? '';
      }
    }
    // The server's own ids, as it may check them on the results sent back.
    expect(calls).toEqual([
      { id: 'call_srv_0', name: 'get_weather', arguments: ARGS_TEXT },
      { id: 'call_srv_1', name: 'get_time', arguments: '{}' },
    ]);
    expect(finish).toBe('tool_calls');
    expect(content).toBe('');

    const whole = await client.chat.completions.create({ model: 'm1', messages, tools: TOOLS });
    const message = whole.choices[0]?.message;
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content ?? null).toBeNull();
    expect(message?.tool_calls?.map((c) => (c.type === 'function' ? { id: c.id, ...c.function } : null))).toEqual([
      { id: 'call_srv_0', name: 'get_weather', arguments: ARGS_TEXT },
      { id: 'call_srv_1', name: 'get_time', arguments: '{}' },
    ]);
    // The server was asked with the tools, in OpenAI's form.
    expect(bodies[0]).toMatchObject({
      tools: [{ function: { name: 'get_weather' } }, { function: { name: 'get_time' } }],
    });
  });
});
