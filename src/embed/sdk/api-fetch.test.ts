import OpenAI, { BadRequestError } from 'openai';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../../engine/fake-engine';
import { createOpenAiFetch } from '../../openai/fetch';
import { parseHostMessage, parseWidgetMessage } from '../messages';
import type { HostMessage } from '../protocol';
import { createApiTunnel } from '../widget/api-tunnel';
import { createSdkFetch } from './api-fetch';

const SCRIPT = ['One', ' two', ' three', '.'];

/** The SDK's fetch and the widget's tunnel wired through the real message checks of both sides. */
async function wire(options: { tokenIntervalMs?: number; script?: string[] } = {}) {
  const engine = new FakeEngine({ tokenIntervalMs: 1, ...options });
  await engine.load({ source: { kind: 'hub', id: 'test/model' } });
  const posted: string[] = [];
  let deliverToWidget: (data: unknown) => void = () => {};
  const sdk = createSdkFetch((message) => deliverToWidget(structuredClone({ v: 1, ...message })));
  const tunnel = createApiTunnel(createOpenAiFetch({ engine }), (type, payload) => {
    posted.push(type);
    const parsed = parseWidgetMessage(structuredClone({ ...payload, v: 1, type }));
    if (!parsed.ok) throw new Error(parsed.reason);
    const m = parsed.message;
    if (m.type.startsWith('typewriter:response') || m.type === 'typewriter:error') {
      sdk.receive(m as Parameters<typeof sdk.receive>[0]);
    }
  });
  deliverToWidget = (data) => {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) throw new Error(parsed.reason);
    tunnel.handle(parsed.message as Extract<HostMessage, { type: 'typewriter:fetch' | 'typewriter:fetch-abort' }>);
  };
  const client = new OpenAI({ baseURL: 'http://typewriter.local/v1', apiKey: 'local', fetch: sdk.fetch });
  return { engine, client, posted };
}

describe("the SDK's fetch over the widget protocol", () => {
  it('streams a completion through the tunnel with the official client', async () => {
    const { client, posted } = await wire({ script: SCRIPT });
    const stream = await client.chat.completions.create({
      model: 'test/model',
      messages: [{ role: 'user', content: 'Count' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(SCRIPT.join(''));
    expect(posted[0]).toBe('typewriter:response');
    expect(posted.at(-1)).toBe('typewriter:response-end');
  });

  it('carries HTTP errors with their status, and lists models', async () => {
    const { client } = await wire();
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['test/model']);
    // A Hub id's slash arrives percent-encoded in the path, which the widget's path check allows.
    expect((await client.models.retrieve('test/model')).id).toBe('test/model');
    const error = await client.chat.completions
      .create({ model: 'test/model', messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("'top_logprobs'");
  });

  it('turns an abort into a fetch-abort that stops the engine', async () => {
    const { client, engine } = await wire({ tokenIntervalMs: 2 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'test/model', messages: [{ role: 'user', content: 'x' }], stream: true, max_tokens: 1000 },
      { signal: controller.signal },
    );
    let n = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content && ++n === 2) controller.abort();
    await expect.poll(async () => (await engine.status()).state).toBe('ready');
    expect(engine.calls.some((c) => c.method === 'stop')).toBe(true);
    expect((await engine.status()).forwardPasses).toBeLessThan(1000);
  });
});

it('fails pending fetches when the widget is destroyed', async () => {
  const sdk = createSdkFetch(() => {});
  const pending = sdk.fetch('http://typewriter.local/v1/models');
  await Promise.resolve();
  sdk.dispose();
  await expect(pending).rejects.toThrow('the widget was destroyed');
});

describe('fetch messages are checked like every command', () => {
  it('accepts a well-formed fetch and copies only its fields', () => {
    expect(
      parseHostMessage({
        v: 1,
        type: 'typewriter:fetch',
        id: 'f1',
        method: 'POST',
        path: '/v1/chat/completions',
        body: '{}',
        x: 1,
      }),
    ).toEqual({
      ok: true,
      message: { v: 1, type: 'typewriter:fetch', id: 'f1', method: 'POST', path: '/v1/chat/completions', body: '{}' },
    });
  });

  it.each([
    [{ id: 'f1', method: 'DELETE', path: '/v1/models' }, 'method'],
    [{ id: 'f1', method: 'GET', path: 'https://evil.example/v1/models' }, 'path'],
    [{ id: 'f1', method: 'GET', path: '/admin' }, 'path'],
    [{ id: 'f 1', method: 'GET', path: '/v1/models' }, 'id'],
    [{ id: 'f1', method: 'POST', path: '/v1/chat/completions', body: { messages: [] } }, 'body'],
  ])('refuses %j (%s)', (fields, what) => {
    const parsed = parseHostMessage({ v: 1, type: 'typewriter:fetch', ...fields });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(what);
    // A well-addressed fetch with bad values is answered (InvalidParams), so the host's fetch settles.
    expect(!parsed.ok && parsed.invalidId).toBe(what === 'id' ? undefined : 'f1');
  });

  it('checks the widget side: a response needs a status, a chunk its text', () => {
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:response', id: 'f1', status: 200, headers: {} }).ok).toBe(true);
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:response', id: 'f1', status: 'ok', headers: {} }).ok).toBe(
      false,
    );
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:response-chunk', id: 'f1' }).ok).toBe(false);
    expect(parseWidgetMessage({ v: 1, type: 'typewriter:response-end' }).ok).toBe(false);
  });
});
