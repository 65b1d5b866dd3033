import { describe, expect, it } from 'vitest';
import { ChunkEncoder, completionUsage, openAiFinishReason, SSE_DONE, sseEvent } from './chunk-encoder';

const encoder = new ChunkEncoder({ id: 'chatcmpl-1', created: 42, model: 'm' });
const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 42, model: 'm' };

describe('chunk encoder (shared by the API and the SSE export)', () => {
  it('writes OpenAI chunks: role first, content, a whole tool call, the finish, usage with no choices', () => {
    expect(encoder.role()).toEqual({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(encoder.content('Hi')).toEqual({
      ...base,
      choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
    });
    expect(encoder.toolCall(1, { id: 'c', name: 'f', arguments: '{}' }).choices[0]?.delta).toEqual({
      tool_calls: [{ index: 1, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
    expect(encoder.finish('length').choices).toEqual([{ index: 0, delta: {}, finish_reason: 'length' }]);
    expect(encoder.usage(completionUsage(7, 3, 5))).toEqual({
      ...base,
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, prompt_tokens_details: { cached_tokens: 5 } },
    });
  });

  it('maps the engine finish reasons: only max tokens is length, a call is tool_calls', () => {
    expect(['eos', 'stop-sequence', 'stopped', 'length'].map((r) => openAiFinishReason(r as never))).toEqual([
      'stop',
      'stop',
      'stop',
      'length',
    ]);
    expect(openAiFinishReason('eos', true)).toBe('tool_calls');
    expect(openAiFinishReason('length', true)).toBe('length');
  });

  it('frames one JSON event per data line and ends with [DONE]', () => {
    expect(sseEvent({ a: 'x\ny' })).toBe('data: {"a":"x\\ny"}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });
});
