import { expect, test } from '@playwright/test';
import type OpenAIClient from 'openai';
import { MOCK_MODEL, mockAnswer, mockToolCalls } from './support/mock-openai';
import { bundleOpenAi, expectOnlyLocalhost, loadOpenAi, prepare, type PageWindow } from './support/openai-bundle';
import { APP_ORIGIN } from './support/ports';
import { connected, control, requests } from './support/remote-helpers';
import { expectReady } from './support/ui-chat';

/**
 * User story: a developer whose app uses function calling points the official `openai` client at Typewriter's
 * in-page API while the backend is a remote OpenAI-compatible server (vLLM, llama.cpp's server, Ollama). The
 * server's streamed `tool_calls` reach the client as tool calls — names, the exact arguments strings, one
 * `finish_reason: 'tool_calls'` — streamed, through the client's own accumulating helper, and without stream;
 * and the tool results the client sends back reach the server under the server's own call ids.
 */

let openaiBundle = '';
test.beforeAll(async () => {
  openaiBundle = await bundleOpenAi();
});
test.beforeEach(async () => {
  await control(null);
});

const TOOLS: OpenAIClient.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
  },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];
const PROMPT = 'Weather and time in Paris?';

interface SeenCall {
  id: string;
  name: string;
  arguments: string;
}

test("a remote server's function calls reach the official client, and their results go back under the server's ids", async ({
  browser,
}) => {
  // A service worker would answer the test bundle's URL before the route could.
  const context = await browser.newContext({ baseURL: APP_ORIGIN, serviceWorkers: 'block' });
  const urls = await prepare(context, [APP_ORIGIN], openaiBundle);
  const page = await context.newPage();
  await page.goto('/');
  await expectReady(page);
  await loadOpenAi(page, APP_ORIGIN);
  await connected(page);

  const seen = await page.evaluate(
    async ({ model, tools, prompt }) => {
      const w = window as unknown as PageWindow;
      const client = new w.OpenAIModule.default({
        baseURL: 'http://typewriter.local/v1',
        apiKey: 'local',
        fetch: w.typewriter.fetch,
        dangerouslyAllowBrowser: true,
      });
      const messages = [{ role: 'user' as const, content: prompt }];
      const callsOf = (list: OpenAIClient.Chat.ChatCompletionMessageToolCall[] | undefined) =>
        (list ?? []).map((c) =>
          c.type === 'function' ? { id: c.id, ...c.function } : { id: c.id, name: '', arguments: '' },
        );

      // Streamed, read delta by delta as a client without helpers would.
      const stream = await client.chat.completions.create({ model, messages, tools, stream: true });
      const deltas: SeenCall[] = [];
      const finishes: string[] = [];
      let content = '';
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        content += choice?.delta.content ?? '';
        if (choice?.finish_reason) finishes.push(choice.finish_reason);
        for (const call of choice?.delta.tool_calls ?? []) {
          const slot = (deltas[call.index] ??= { id: '', name: '', arguments: '' });
          slot.id += call.id ?? '';
          slot.name += call.function?.name ?? '';
          slot.arguments += call.function?.arguments ?? '';
        }
      }
      // The client's own accumulating stream helper.
      const helper = await client.chat.completions.stream({ model, messages, tools }).finalChatCompletion();
      // Not streamed.
      const whole = await client.chat.completions.create({ model, messages, tools });
      const assistant = whole.choices[0]?.message;
      // The results go back; the server answers in text.
      const followUp = await client.chat.completions.create({
        model,
        tools,
        messages: [
          ...messages,
          { role: 'assistant', content: null, tool_calls: assistant?.tool_calls ?? [] },
          ...(assistant?.tool_calls ?? []).map((c) => ({
            role: 'tool' as const,
            tool_call_id: c.id,
            content: '21 °C',
          })),
        ],
      });
      return {
        deltas,
        finishes,
        content,
        helper: { calls: callsOf(helper.choices[0]?.message.tool_calls), finish: helper.choices[0]?.finish_reason },
        whole: {
          calls: callsOf(assistant?.tool_calls),
          finish: whole.choices[0]?.finish_reason,
          content: assistant?.content,
        },
        followUp: { content: followUp.choices[0]?.message.content, finish: followUp.choices[0]?.finish_reason },
      };
    },
    { model: MOCK_MODEL, tools: TOOLS, prompt: PROMPT },
  );

  const expected = mockToolCalls(PROMPT, ['get_weather', 'get_time']).map(({ name, arguments: args }) => ({
    name,
    arguments: args,
  }));
  const withoutIds = (calls: SeenCall[]) => calls.map(({ name, arguments: args }) => ({ name, arguments: args }));
  expect(withoutIds(seen.deltas)).toEqual(expected);
  expect(seen.finishes).toEqual(['tool_calls']);
  expect(seen.content).toBe('');
  expect(withoutIds(seen.helper.calls)).toEqual(expected);
  expect(seen.helper.finish).toBe('tool_calls');
  expect(withoutIds(seen.whole.calls)).toEqual(expected);
  expect(seen.whole).toMatchObject({ finish: 'tool_calls', content: null });
  // The server's own call ids, as it may check them on the results sent back.
  const serverIds = mockToolCalls(PROMPT, ['get_weather', 'get_time']).map((c) => c.id);
  for (const calls of [seen.deltas, seen.helper.calls, seen.whole.calls])
    expect(calls.map((c) => c.id)).toEqual(serverIds);

  // The server was asked with the tools; the follow-up carried the calls and their results under one set of ids.
  const chat = (await requests()).filter((r) => r.path === '/v1/chat/completions');
  expect(chat).toHaveLength(4);
  for (const request of chat)
    expect(request.body).toMatchObject({
      tools: [{ function: { name: 'get_weather' } }, { function: { name: 'get_time' } }],
    });
  const sent = (chat[3]?.body?.messages ?? []) as {
    role: string;
    tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    tool_call_id?: string;
  }[];
  const ids = seen.whole.calls.map((c) => c.id);
  expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
  expect(sent[1]?.tool_calls?.map((c) => ({ id: c.id, ...c.function }))).toEqual(
    seen.whole.calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
  );
  expect(sent.slice(2).map((m) => m.tool_call_id)).toEqual(ids);
  const maxTokens = (chat[3]?.body as { max_tokens?: number } | null)?.max_tokens;
  expect(seen.followUp).toEqual({ content: mockAnswer(PROMPT, maxTokens), finish: expect.any(String) as unknown });

  expectOnlyLocalhost(urls);
  await context.close();
});
