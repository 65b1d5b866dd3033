import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../workers/protocol';
import { ENGINE_BEHAVIOURS, runEngineBehaviour } from '../engine-behaviour';
import { createRemoteEngine } from './remote-engine';

/**
 * The parts of the engine contract that a remote server can keep, run against RemoteEngine over a fake
 * OpenAI-compatible server (the same suite FakeEngine runs in Vitest and the worker engine in the browser).
 * Left out: what only a local model has (token ids, prefix reuse, vocab size and files, a grammar, local
 * parameter checks: the server makes its own), and the load races, which a model list answered at once cannot show.
 */
const REMOTE_BEHAVIOURS = [
  'a generation streams start, consecutive tokens and done, whose text is the tokens joined',
  'a second generate while one runs is EngineBusy; the first is unharmed',
  'pause lands between tokens: no token and no forward pass until resume',
  'stop while paused ends the run at once with done{stopped}, keeping the text',
  'generate without a model is ModelNotLoaded',
  'a load that fails before its weights leaves the model before it loaded and usable',
];

const encoder = new TextEncoder();
const sse = (body: unknown) => encoder.encode(`data: ${JSON.stringify(body)}\n\n`);

/** A server that lists one model and streams `max_tokens` words, one SSE event per read, 2 ms apart. */
async function server(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = String(input);
  if (url.endsWith('/models'))
    return new Response(JSON.stringify({ object: 'list', data: [{ id: 'm1', max_model_len: 4096 }] }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  const { max_tokens: maxTokens = 16 } = JSON.parse(String(init.body)) as { max_tokens?: number };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        await new Promise((r) => setTimeout(r, 2));
        if (init.signal?.aborted)
          return controller.error(new DOMException('The user aborted a request.', 'AbortError'));
        if (sent < maxTokens) {
          controller.enqueue(sse({ choices: [{ index: 0, delta: { content: ` w${sent}` }, finish_reason: null }] }));
        } else if (sent === maxTokens) {
          controller.enqueue(sse({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }));
        } else {
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          controller.close();
        }
        sent++;
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('RemoteEngine follows the engine contract where a server can', () => {
  const engine = createRemoteEngine({ fetch: server });
  const spec: ModelSpec = { source: { kind: 'remote', baseUrl: 'http://llm.test/v1', model: 'm1' } };
  const missingSpec: ModelSpec = { source: { kind: 'remote', baseUrl: 'http://llm.test/v1', model: 'nope' } };
  it('names only behaviours the suite has', () => {
    const names = ENGINE_BEHAVIOURS.map((b) => b.name);
    expect(REMOTE_BEHAVIOURS.filter((name) => !names.includes(name))).toEqual([]);
  });
  for (const name of REMOTE_BEHAVIOURS) {
    it(name, async () => {
      const [result] = await runEngineBehaviour({ engine, spec, missingSpec, missingError: 'RemoteRejected' }, [name]);
      expect(result).toEqual({ name, ok: true });
    });
  }
});
