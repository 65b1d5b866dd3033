/**
 * A local OpenAI-compatible server for the remote-backend specs, speaking the wire format exactly:
 *   GET  /v1/models                  {object: 'list', data: [{id, object: 'model', created, owned_by, max_model_len}]}
 *   POST /v1/chat/completions        stream: chat.completion.chunk events (role, one per token, finish_reason,
 *                                    usage with stream_options.include_usage), then `data: [DONE]`; or one
 *                                    chat.completion without stream. Errors as {error: {message, type, code}}.
 * The answer is `mockAnswer(last user message, max_tokens)`, so specs know every token. A request with `tools`
 * (and `tool_choice` not 'none') whose last message is the user's is answered with `mockToolCalls(...)` instead:
 * one call per tool (at most two), streamed as OpenAI does (id, type and name first, then the arguments string in
 * fragments, `finish_reason: 'tool_calls'`), or as `message.tool_calls` without stream. Events are written the
 * way real servers' writes land: sometimes two in one write, sometimes one split across two writes.
 * Test controls:
 *   POST   /__control {mode?: 'ok'|'cut'|'drop'|'error-event'|'http-500', afterTokens?, delayMs?, apiKey?}
 *          'cut' ends the body cleanly without finish_reason or [DONE]; 'drop' destroys the socket;
 *          'error-event' sends an error object mid-stream; `apiKey` makes every request need that bearer key.
 *   DELETE /__control   back to defaults, request log cleared
 *   GET    /__requests  {requests: [{method, path, authorization, body, closedEarly}]}
 * Started by Playwright as a webServer: `npx tsx e2e/support/mock-openai.ts` (port from TW_PORT_BASE, as ports.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { REMOTE_PORT } from './ports';

export const MOCK_MODEL = 'mock-llm';

/** The tokens of the answer to `prompt`: a fixed lead, the prompt's words echoed, then counting words. */
export function mockTokens(prompt: string, maxTokens = 24): string[] {
  const echoed = prompt
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 6)
    .map((w) => ` ${w}`);
  const counting = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'].map((w) => ` ${w}`);
  const all = ['Server', ' says', ':', ...echoed, '.', ...counting, ...counting.map((w) => `${w}!`)];
  return all.slice(0, Math.max(1, maxTokens));
}

export const mockAnswer = (prompt: string, maxTokens?: number) => mockTokens(prompt, maxTokens).join('');

export interface MockToolCall {
  id: string;
  name: string;
  /** The arguments string exactly as the server sends it (quotes, a backslash and non-ASCII included). */
  arguments: string;
}

/** What the mock reports as `usage.completion_tokens`: a token per text chunk, four per call (as it streams them). */
export const completionTokens = (tokens: string[], calls: MockToolCall[]) => tokens.length + 4 * calls.length;

export function mockToolCalls(prompt: string, toolNames: string[]): MockToolCall[] {
  return toolNames.slice(0, 2).map((name, i) => ({
    id: `call_mock_${i}`,
    name,
    arguments: JSON.stringify({ query: prompt, unit: 'celsius', note: 'a "quoted" ünïcode ✓ C:\\tmp', n: i }),
  }));
}

interface Control {
  mode: 'ok' | 'cut' | 'drop' | 'error-event' | 'http-500';
  afterTokens: number;
  delayMs: number;
  apiKey: string | null;
}

const DEFAULTS: Control = { mode: 'ok', afterTokens: 3, delayMs: 25, apiKey: null };

interface LoggedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
  closedEarly: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createMockOpenAi() {
  let control: Control = { ...DEFAULTS };
  let requests: LoggedRequest[] = [];

  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'authorization, content-type',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { ...cors, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const apiError = (res: ServerResponse, status: number, message: string, type: string, code: string | null) =>
    json(res, status, { error: { message, type, param: null, code } });

  async function readBody(req: IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return text;
  }

  async function stream(
    res: ServerResponse,
    logged: LoggedRequest,
    tokens: string[],
    calls: MockToolCall[],
    body: ChatBody,
  ) {
    const id = `chatcmpl-mock${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: MOCK_MODEL, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.on('close', () => {
      if (!res.writableFinished) logged.closedEarly = true;
    });
    // The role chunk and the first token in one write, as servers often flush them together.
    res.write(`: keep-alive\n\n${chunk({ role: 'assistant', content: '' })}`);
    for (const [index, token] of tokens.entries()) {
      if (logged.closedEarly) return;
      if (index === control.afterTokens && control.mode !== 'ok') {
        if (control.mode === 'drop') return void res.socket?.destroy();
        if (control.mode === 'cut') return void res.end();
        if (control.mode === 'error-event') {
          res.write(
            `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } })}\n\n`,
          );
          return void res.end();
        }
      }
      const event = chunk({ content: token });
      if (index % 4 === 1) {
        // One event split across two writes (and so, often, two reads).
        const cut = Math.floor(event.length / 2);
        res.write(event.slice(0, cut));
        await sleep(5);
        res.write(event.slice(cut));
      } else res.write(event);
      await sleep(control.delayMs);
    }
    for (const [index, call] of calls.entries()) {
      if (logged.closedEarly) return;
      res.write(
        chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
      );
      // The arguments in three fragments, cut anywhere (inside an escape or a multi-byte character's string).
      const third = Math.ceil(call.arguments.length / 3);
      for (let at = 0; at < call.arguments.length; at += third) {
        res.write(chunk({ tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + third) } }] }));
        await sleep(control.delayMs);
      }
    }
    const finish = calls.length > 0 ? 'tool_calls' : tokens.length >= (body.max_tokens ?? Infinity) ? 'length' : 'stop';
    res.write(chunk({}, finish));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: MOCK_MODEL, choices: [], usage: { prompt_tokens: 11, completion_tokens: completionTokens(tokens, calls), total_tokens: 11 + completionTokens(tokens, calls) } })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  }

  interface ChatBody {
    model?: string;
    messages?: { role: string; content: string }[];
    tools?: { type: string; function: { name: string } }[];
    tool_choice?: unknown;
    stream?: boolean;
    max_tokens?: number;
    stream_options?: { include_usage?: boolean };
  }

  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    if (url.pathname === '/__health') return json(res, 200, { ok: true });
    if (url.pathname === '/__requests') return json(res, 200, { requests });
    if (url.pathname === '/__control') {
      if (req.method === 'DELETE') {
        control = { ...DEFAULTS };
        requests = [];
      } else control = { ...DEFAULTS, ...(JSON.parse(await readBody(req)) as Partial<Control>) };
      return json(res, 200, control);
    }
    const text = req.method === 'POST' ? await readBody(req) : '';
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization ?? null,
      body: text ? (JSON.parse(text) as unknown) : null,
      closedEarly: false,
    };
    requests.push(logged);
    if (control.apiKey !== null && req.headers.authorization !== `Bearer ${control.apiKey}`)
      return apiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return json(res, 200, {
        object: 'list',
        data: [
          { id: MOCK_MODEL, object: 'model', created: 1733270400, owned_by: 'typewriter-tests', max_model_len: 8192 },
        ],
      });
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
      const body = logged.body as ChatBody;
      if (body.model !== MOCK_MODEL)
        return apiError(
          res,
          404,
          `The model \`${body.model}\` does not exist.`,
          'invalid_request_error',
          'model_not_found',
        );
      if (control.mode === 'http-500') return apiError(res, 500, 'The server is overloaded.', 'server_error', null);
      const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
      const callsTools = !!body.tools?.length && body.tool_choice !== 'none' && body.messages?.at(-1)?.role === 'user';
      const calls = callsTools
        ? mockToolCalls(
            last,
            (body.tools ?? []).map((t) => t.function.name),
          )
        : [];
      const tokens = calls.length > 0 ? [] : mockTokens(last, body.max_tokens);
      if (body.stream) return stream(res, logged, tokens, calls, body);
      const message =
        calls.length > 0
          ? {
              role: 'assistant',
              content: null,
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: 'function',
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : { role: 'assistant', content: tokens.join('') };
      return json(res, 200, {
        id: 'chatcmpl-mock',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: MOCK_MODEL,
        choices: [{ index: 0, message, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
        usage: {
          prompt_tokens: 11,
          completion_tokens: completionTokens(tokens, calls),
          total_tokens: 11 + completionTokens(tokens, calls),
        },
      });
    }
    return apiError(res, 404, `Unknown path ${url.pathname}`, 'invalid_request_error', null);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  createMockOpenAi().listen(REMOTE_PORT, () => process.stdout.write(`mock OpenAI server on :${REMOTE_PORT}\n`));
}
