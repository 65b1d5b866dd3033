import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './request';

const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };

function error(body: unknown) {
  const parsed = parseChatRequest(body);
  if (parsed.ok) throw new Error('expected a refusal');
  return { status: parsed.error.status, ...parsed.error.body.error };
}

describe('chat request validation', () => {
  it('maps the supported fields to the engine request', () => {
    const parsed = parseChatRequest({
      ...base,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 5,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 3,
      repetition_penalty: 1.2,
      seed: 42,
      stop: ['a', 'b'],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
    });
    expect(parsed).toEqual({
      ok: true,
      call: {
        model: 'm',
        stream: true,
        includeUsage: true,
        parseToolCalls: false,
        request: {
          messages: [{ role: 'user', content: 'Hi' }],
          maxTokens: 5,
          temperature: 0.2,
          topP: 0.9,
          topK: 3,
          repetitionPenalty: 1.2,
          seed: 42,
          stop: ['a', 'b'],
          responseFormat: { type: 'json_schema', schema: { type: 'object' }, name: 'x', strict: true },
        },
      },
    });
  });

  it('treats null as the default and response_format text as no constraint', () => {
    const parsed = parseChatRequest({
      ...base,
      temperature: null,
      stop: null,
      n: null,
      response_format: { type: 'text' },
    });
    expect(parsed.ok && parsed.call.request).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 1,
      topP: 1,
      topK: 0,
      repetitionPenalty: 1,
    });
  });

  it('names every unsupported field in one 400, and the first as param', () => {
    const e = error({
      ...base,
      logit_bias: { 5: 10 },
      audio: { voice: 'x' },
      functions: [],
      user: 'u',
      frequency_penalty: 1,
    });
    expect(e).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_parameter',
      param: 'logit_bias',
    });
    for (const f of ['logit_bias', 'audio', 'functions', 'user', 'frequency_penalty'])
      expect(e.message).toContain(`'${f}'`);
    expect(e.message).toContain('only 0');
  });

  it('accepts the no-op values of fields it does not implement', () => {
    const parsed = parseChatRequest({
      ...base,
      n: 1,
      presence_penalty: 0,
      logprobs: false,
      logit_bias: {},
      parallel_tool_calls: true,
    });
    expect(parsed.ok).toBe(true);
  });

  it.each([
    [{ temperature: 3 }, 'temperature'],
    [{ top_p: 0 }, 'top_p'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ max_tokens: 1.5 }, 'max_tokens'],
    [{ seed: -1 }, 'seed'],
    [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ stop: [''] }, 'stop'],
    [{ max_tokens: 4, max_completion_tokens: 5 }, 'max_completion_tokens'],
    [{ stream_options: { include_usage: true } }, 'stream_options'],
    [{ stream: true, stream_options: { include_obfuscation: true } }, 'stream_options'],
    [{ stream: 'yes' }, 'stream'],
    [{ response_format: { type: 'grammar' } }, 'response_format.type'],
    [{ tool_choice: 'auto' }, 'tool_choice'],
    [{ tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0]'],
    [{ tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools[0].function.name'],
    [
      {
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: { type: 'function', function: { name: 'g' } },
      },
      'tool_choice',
    ],
    [{ model: undefined }, 'model'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'function', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages[0].name'],
    [
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'messages[0].content[0].type',
    ],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ messages: [{ role: 'assistant' }] }, 'messages[0].content'],
  ])('refuses %j naming %s', (patch, param) => {
    const e = error({ ...base, ...patch });
    expect(e.status).toBe(400);
    expect(e.param).toBe(param);
    expect(e.message).toContain(param.replace(/\[.*$/, '').split('.')[0]);
  });

  it("applies the widget's text limits and makes text well-formed", () => {
    const long = error({ ...base, messages: [{ role: 'user', content: 'x'.repeat(100_001) }] });
    expect(long).toMatchObject({ status: 400, param: 'messages', code: 'invalid_value' });
    expect(long.message).toContain('messages[0].content is 100001 characters; the limit is 100000');
    const cut = parseChatRequest({ ...base, messages: [{ role: 'user', content: 'a\uD83D' }] });
    expect(cut.ok && cut.call.request.messages?.[0]?.content).toBe('a\uFFFD');
  });

  it('refuses a body that is not an object', () => {
    expect(error([1])).toMatchObject({ status: 400, code: 'invalid_type' });
  });
});
