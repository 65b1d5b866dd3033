import { describe, expect, it } from 'vitest';
import { ChunkDecoder, type RemoteChunk } from './chunk-decoder';

const bytes = (text: string) => new TextEncoder().encode(text);
const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

function decodeIn(pieces: (string | Uint8Array)[]): RemoteChunk[] {
  const decoder = new ChunkDecoder();
  const out = pieces.flatMap((p) => decoder.push(typeof p === 'string' ? bytes(p) : p));
  return [...out, ...decoder.end()];
}

describe('ChunkDecoder', () => {
  it('joins an event split across reads and splits several events in one read', () => {
    const body = chunk('Hel') + chunk('lo') + chunk('', 'stop') + 'data: [DONE]\n\n';
    const whole = decodeIn([body]);
    // Every split point gives the same events: partial lines, a cut inside "data:", a cut between \n\n.
    for (let cut = 1; cut < body.length; cut += 7)
      expect(decodeIn([body.slice(0, cut), body.slice(cut)])).toEqual(whole);
    expect(whole).toEqual([
      { type: 'delta', content: 'Hel', reasoning: '' },
      { type: 'delta', content: 'lo', reasoning: '' },
      { type: 'finish', reason: 'stop' },
      { type: 'done' },
    ]);
  });

  it('keeps a UTF-8 character cut between two reads whole', () => {
    const encoded = bytes(chunk('é🙂'));
    const at = bytes(chunk('é🙂').split('é')[0]!).length; // the first byte of "é"
    const out = decodeIn([encoded.slice(0, at + 1), encoded.slice(at + 1, at + 4), encoded.slice(at + 4)]);
    expect(out).toEqual([{ type: 'delta', content: 'é🙂', reasoning: '' }]);
  });

  it('reads an error object sent mid-stream, and ignores comments and anything after [DONE]', () => {
    const error = `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n`;
    expect(decodeIn([`: ping\n\n${chunk('a')}${error}`])).toEqual([
      { type: 'delta', content: 'a', reasoning: '' },
      { type: 'error', message: 'overloaded', code: 'server_error' },
    ]);
    expect(decodeIn([`data: [DONE]\n\n${chunk('late')}`])).toEqual([{ type: 'done' }]);
  });

  it('reads usage, reasoning_content, CRLF lines, and a last event without its blank line', () => {
    const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } })}\r\n\r\n`;
    const reasoning = `data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: 'hmm' } }] })}\n`;
    expect(decodeIn([usage, reasoning])).toEqual([
      { type: 'usage', promptTokens: 5, completionTokens: 2 },
      { type: 'delta', content: '', reasoning: 'hmm' },
    ]);
  });

  it('names an event that is not JSON instead of throwing', () => {
    expect(decodeIn(['data: {oops\n\n'])[0]).toMatchObject({ type: 'error' });
  });
});
