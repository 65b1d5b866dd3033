import { describe, expect, it } from 'vitest';
import { parseRedaction, redactFilter } from './filters';
import { parseChatCompletionSse, SseParser, toSseTranscript } from './sse';
import { fakeRun } from './test-events';

const TOKENS: [string, number][] = [
  ['Hel', 10],
  ['lo "wo', 20],
  ['rld"\n', 30],
  ['ünï 😀', 40],
];

describe('SSE transcript', () => {
  it("sends a reasoning model's thinking as reasoning_content, never inside content", () => {
    const tokens: [string, number][] = [
      ['<think>', 1],
      ['\nWhy', 2],
      [' not.\n', 3],
      ['</think>', 4],
      ['\n\n', 5],
      ['Yes', 6],
    ];
    const parsed = parseChatCompletionSse(toSseTranscript(fakeRun('r0', tokens, { reason: 'eos' })));
    expect(parsed.text).toBe('Yes');
    const reasoning = parsed.chunks
      .map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '')
      .join('');
    expect(reasoning).toBe('Why not.\n');
    expect(parsed.finishReason).toBe('stop');
  });

  it('round-trips through the parser: same text, OpenAI chunk shape, finish reason and [DONE]', () => {
    const sse = toSseTranscript(fakeRun('r1', TOKENS, { reason: 'length' }));
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);
    const parsed = parseChatCompletionSse(sse);
    expect(parsed.text).toBe(TOKENS.map(([t]) => t).join(''));
    expect(parsed).toMatchObject({ finishReason: 'length', done: true });
    expect(parsed.chunks[1]).toEqual({
      id: 'chatcmpl-r1',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'demo',
      choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }],
    });
    expect(parsed.chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
  });

  it('parses the same when the stream arrives in arbitrary pieces, CRLF included', () => {
    const sse = toSseTranscript(fakeRun('r2', TOKENS, { reason: 'eos' })).replaceAll('\n', '\r\n');
    for (const size of [1, 3, 17]) {
      const pieces: string[] = [];
      for (let i = 0; i < sse.length; i += size) pieces.push(sse.slice(i, i + size));
      expect(parseChatCompletionSse(pieces)).toMatchObject({ text: 'Hello "world"\nünï 😀', finishReason: 'stop' });
    }
  });

  it('applies the display filter, so the transcript never holds a redacted word', () => {
    const run = fakeRun(
      'r3',
      [
        ['my se', 1],
        ['cret', 2],
        [' is out', 3],
      ],
      { reason: 'stopped' },
    );
    const sse = toSseTranscript(run, redactFilter(parseRedaction('secret').rules));
    expect(sse).not.toContain('cret');
    expect(parseChatCompletionSse(sse)).toMatchObject({ text: 'my ██████ is out', finishReason: 'stop' });
  });

  it('joins multi-line data fields and ignores comments and other fields', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\nevent: x\ndata: a\ndata:b\n')).toEqual([]);
    expect(p.push('\nid: 1\n\n')).toEqual(['a\nb']);
  });
});
