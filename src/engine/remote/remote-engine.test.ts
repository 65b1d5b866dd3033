import { describe, expect, it } from 'vitest';
import type { ModelSpec, StreamEvent } from '../../../workers/protocol';
import { createRemoteEngine } from './remote-engine';

const SPEC: ModelSpec = { source: { kind: 'remote', baseUrl: 'http://llm.test/v1/', model: 'm1' } };
const sse = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch whose chat bodies are served piece by piece, counting how often the engine reads. */
function fakeServer(chat: { status?: number; pieces?: string[]; body?: string } = {}) {
  const calls: Call[] = [];
  const state = { reads: 0, aborted: false };
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    if (url.endsWith('/models')) {
      return jsonResponse(200, { object: 'list', data: [{ id: 'm1', max_model_len: 4096 }, { id: 'm2' }] });
    }
    if (chat.status && chat.status !== 200) return jsonResponse(chat.status, JSON.parse(chat.body ?? '{}'));
    const pieces = [...(chat.pieces ?? [])];
    const encoder = new TextEncoder();
    let source: ReadableStreamDefaultController<Uint8Array>;
    init.signal?.addEventListener('abort', () => {
      state.aborted = true;
      source.error(new DOMException('The user aborted a request.', 'AbortError'));
    });
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => void (source = c),
        pull: (c) => {
          state.reads++;
          const next = pieces.shift();
          if (next === undefined) c.close();
          else c.enqueue(encoder.encode(next));
        },
      },
      { highWaterMark: 0 },
    );
    return { ok: true, status: 200, body, text: async () => '' } as unknown as Response;
  };
  return { fetchFn, calls, state };
}

function jsonResponse(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    body: null,
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  } as unknown as Response;
}

async function readAll(stream: ReadableStream<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    events.push(value);
  }
}

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('RemoteEngine', () => {
  it('checks the model with GET /models, sending the key only as a bearer header', async () => {
    const server = fakeServer();
    const engine = createRemoteEngine({ fetch: server.fetchFn, apiKey: () => 'sk-test' });
    const info = await engine.load(SPEC);
    expect(info).toMatchObject({ modelId: 'm1', backend: 'remote', dtype: 'server', contextLength: 4096 });
    expect(info.backendReason).toContain('llm.test');
    expect(server.calls[0]?.url).toBe('http://llm.test/v1/models');
    expect((server.calls[0]?.init.headers as Record<string, string>).Authorization).toBe('Bearer sk-test');
    expect(JSON.stringify(info)).not.toContain('sk-test');
  });

  it('names what went wrong at connect: unknown model, refused key, no server, the CSP', async () => {
    const unknown = createRemoteEngine({ fetch: fakeServer().fetchFn });
    await expect(
      unknown.load({ source: { kind: 'remote', baseUrl: 'http://llm.test/v1', model: 'nope' } }),
    ).rejects.toMatchObject({ name: 'RemoteRejected', message: expect.stringContaining('m1, m2') as unknown });
    const refused = createRemoteEngine({ fetch: async () => jsonResponse(401, { error: { message: 'bad key' } }) });
    await expect(refused.load(SPEC)).rejects.toMatchObject({ name: 'RemoteAuthFailed' });
    const down = () => Promise.reject(new TypeError('Failed to fetch'));
    const noServer = createRemoteEngine({ fetch: down, cspBlocked: async () => false });
    await expect(noServer.load(SPEC)).rejects.toMatchObject({ name: 'RemoteUnreachable' });
    const blocked = createRemoteEngine({ fetch: down, cspBlocked: async () => true });
    await expect(blocked.load(SPEC)).rejects.toMatchObject({
      name: 'RemoteBlocked',
      message: expect.stringContaining('TW_REMOTE_HOSTS') as unknown,
    });
    await expect(
      createRemoteEngine().load({ source: { kind: 'remote', baseUrl: 'nope', model: 'm' } }),
    ).rejects.toMatchObject({
      name: 'InvalidParams',
    });
  });

  it('a connect that fails keeps the server connected before, ready and answering', async () => {
    const server = fakeServer({ pieces: [sse('ok'), sse('', 'stop'), 'data: [DONE]\n\n'] });
    const engine = createRemoteEngine({ fetch: server.fetchFn });
    await engine.load(SPEC);
    await expect(
      engine.load({ source: { kind: 'remote', baseUrl: 'http://llm.test/v1', model: 'nope' } }),
    ).rejects.toMatchObject({ name: 'RemoteRejected' });
    expect(await engine.status()).toMatchObject({ state: 'ready', model: { modelId: 'm1' } });
    const events = await readAll(await engine.generate({ messages }));
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'ok' });
    expect(JSON.parse(String(server.calls.at(-1)?.init.body))).toMatchObject({ model: 'm1' });
  });

  it('streams tokens as StreamEvents whose text is the concatenated deltas', async () => {
    const server = fakeServer({ pieces: [sse('Hel') + sse('lo'), sse(' there'), sse('', 'stop'), 'data: [DONE]\n\n'] });
    const engine = createRemoteEngine({ fetch: server.fetchFn });
    await engine.load(SPEC);
    const events = await readAll(await engine.generate({ messages, maxTokens: 8, topK: 5, temperature: 0 }));
    expect(events.map((e) => e.type).filter((t) => t !== 'stats')).toEqual([
      'start',
      'token',
      'token',
      'token',
      'done',
    ]);
    const tokens = events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', reason: 'eos', text: tokens.join('') });
    expect(tokens.join('')).toBe('Hello there');
    const body = JSON.parse(String(server.calls[1]?.init.body)) as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'm1', stream: true, max_tokens: 8, temperature: 0, messages });
    // OpenAI answers 400 to fields it does not know: top-k has none.
    expect(body).not.toHaveProperty('top_k');
  });

  it('reads nothing while paused, and continues where it stopped on resume', async () => {
    const pieces = [sse('a'), sse('b'), sse('c'), sse('', 'stop'), 'data: [DONE]\n\n'];
    const server = fakeServer({ pieces });
    const engine = createRemoteEngine({ fetch: server.fetchFn });
    await engine.load(SPEC);
    const reader = (await engine.generate({ messages })).getReader();
    expect((await reader.read()).value?.type).toBe('start');
    expect((await reader.read()).value).toMatchObject({ type: 'token', text: 'a' });
    await engine.pause();
    // Stats counting the one token so far come just before `paused` (a paused page shows them).
    let event = (await reader.read()).value;
    let lastStats: StreamEvent | undefined;
    while (event?.type === 'stats') {
      lastStats = event;
      event = (await reader.read()).value;
    }
    expect(event?.type).toBe('paused');
    expect(lastStats).toMatchObject({ type: 'stats', stats: { tokens: 1 } });
    expect((await engine.status()).state).toBe('paused');
    const readsWhenPaused = server.state.reads;
    const next = reader.read();
    await new Promise((r) => setTimeout(r, 30));
    expect(server.state.reads).toBe(readsWhenPaused);
    await engine.resume();
    event = (await next).value;
    while (event?.type === 'stats') event = (await reader.read()).value;
    expect(event?.type).toBe('resumed');
    const rest: StreamEvent[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
    expect(rest.at(-1)).toMatchObject({ type: 'done', text: 'abc' });
  });

  it('Stop aborts the request and keeps the text so far', async () => {
    const server = fakeServer({ pieces: [sse('a'), sse('b'), sse('c')] });
    const engine = createRemoteEngine({ fetch: server.fetchFn });
    await engine.load(SPEC);
    const reader = (await engine.generate({ messages })).getReader();
    await reader.read();
    await reader.read();
    await engine.stop();
    const events: StreamEvent[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) events.push(r.value);
    expect(server.state.aborted).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'stopped', text: 'a' });
  });

  it('ends a cut stream, an error event and an HTTP error with named errors', async () => {
    const cut = fakeServer({ pieces: [sse('a'), sse('b')] });
    const e1 = createRemoteEngine({ fetch: cut.fetchFn });
    await e1.load(SPEC);
    expect((await readAll(await e1.generate({ messages }))).at(-1)).toMatchObject({
      type: 'error',
      name: 'RemoteStreamCut',
      message: expect.stringContaining('after 2 tokens') as unknown,
    });
    const mid = fakeServer({ pieces: [sse('a'), `data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`] });
    const e2 = createRemoteEngine({ fetch: mid.fetchFn });
    await e2.load(SPEC);
    expect((await readAll(await e2.generate({ messages }))).at(-1)).toMatchObject({
      type: 'error',
      name: 'RemoteServerError',
      message: expect.stringContaining('overloaded') as unknown,
    });
    const http = fakeServer({
      status: 400,
      body: JSON.stringify({ error: { message: "Unrecognized request argument 'x'" } }),
    });
    const e3 = createRemoteEngine({ fetch: http.fetchFn });
    await e3.load(SPEC);
    expect((await readAll(await e3.generate({ messages }))).at(-1)).toMatchObject({
      type: 'error',
      name: 'RemoteRejected',
      message: expect.stringContaining('Unrecognized request argument') as unknown,
    });
  });

  it("puts a server's separate reasoning back in <think> tags, so the page shows it as thinking", async () => {
    const think = `data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: 'hmm' } }] })}\n\n`;
    const server = fakeServer({ pieces: [think, sse('Yes'), sse('', 'stop'), 'data: [DONE]\n\n'] });
    const engine = createRemoteEngine({ fetch: server.fetchFn });
    await engine.load(SPEC);
    const done = (await readAll(await engine.generate({ messages }))).at(-1);
    expect(done).toMatchObject({ type: 'done', text: '<think>hmm</think>Yes' });
  });

  it('refuses to generate before a server is connected, and a second answer while one streams', async () => {
    const server = fakeServer({ pieces: [sse('a')] });
    const engine = createRemoteEngine({ fetch: server.fetchFn });
    await expect(engine.generate({ messages })).rejects.toMatchObject({ name: 'ModelNotLoaded' });
    await engine.load(SPEC);
    await engine.generate({ messages });
    await expect(engine.generate({ messages })).rejects.toMatchObject({ name: 'EngineBusy' });
  });
});
