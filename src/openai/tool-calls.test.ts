import { describe, expect, it } from 'vitest';
import { parseToolCallJson, ToolCallScanner, type ScanOutput } from './tool-calls';

const CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}\n</tool_call>';

function scan(pieces: readonly string[]): ScanOutput[] {
  const scanner = new ToolCallScanner((i) => `call_${i}`);
  return [...pieces.flatMap((p) => scanner.push(p)), ...scanner.flush()];
}

const contentOf = (out: ScanOutput[]) => out.map((o) => (o.type === 'content' ? o.text : '')).join('');
const callsOf = (out: ScanOutput[]) => out.flatMap((o) => (o.type === 'tool-call' ? [o.call] : []));

/** Every way of cutting `text` into two or three pieces. */
function splits(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    const j = Math.min(text.length - 1, i + 7);
    if (j > i) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}

describe('tool-call scanner (Qwen <tool_call> blocks)', () => {
  it('finds the call wherever the stream is cut, and nothing of it leaks into content', () => {
    const text = `Let me check.${CALL}`;
    for (const pieces of splits(text)) {
      const out = scan(pieces);
      expect(contentOf(out)).toBe('Let me check.');
      expect(callsOf(out)).toEqual([{ id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris","days":2}' }]);
    }
  });

  it('holds back only what may still become a tag, and never the text before it', () => {
    const scanner = new ToolCallScanner((i) => `c${i}`);
    expect(scanner.push('a <tool')).toEqual([{ type: 'content', text: 'a ' }]);
    expect(scanner.push('box> b')).toEqual([{ type: 'content', text: '<toolbox> b' }]);
  });

  it('numbers several calls and drops the layout whitespace around them', () => {
    const out = scan([`\n\n${CALL}\n${CALL.replace('get_weather', 'get_time')}\n`]);
    expect(contentOf(out)).toBe('');
    expect(callsOf(out).map((c) => [c.id, c.name])).toEqual([
      ['call_0', 'get_weather'],
      ['call_1', 'get_time'],
    ]);
  });

  it('gives a block that is not a call back as content, as written, and an unclosed one at the end', () => {
    expect(contentOf(scan(['<tool_call>not json</tool_call> ok']))).toBe('<tool_call>not json</tool_call> ok');
    expect(contentOf(scan(['x<tool_call>{"name": "f", "argu']))).toBe('x<tool_call>{"name": "f", "argu');
    expect(callsOf(scan(['<tool_call>{"arguments": {}}</tool_call>']))).toEqual([]);
  });

  it('reads arguments given as an object, as a JSON string, or missing', () => {
    expect(parseToolCallJson('{"name": "f", "arguments": "{\\"a\\":1}"}', 'i')).toEqual({
      id: 'i',
      name: 'f',
      arguments: '{"a":1}',
    });
    expect(parseToolCallJson('{"name": "f"}', 'i')?.arguments).toBe('{}');
    expect(parseToolCallJson('{"name": "f", "arguments": 3}', 'i')).toBeNull();
    expect(parseToolCallJson('[1]', 'i')).toBeNull();
  });

  it("keeps a call's own id when it carries one that looks like an id, unique within the answer", () => {
    expect(parseToolCallJson('{"name": "f", "id": "Ab3dE5gH9", "arguments": {}}', 'i')?.id).toBe('Ab3dE5gH9');
    expect(parseToolCallJson('{"name": "f", "id": "not an id!", "arguments": {}}', 'i')?.id).toBe('i');
    expect(parseToolCallJson('{"name": "f", "id": 7}', 'i')?.id).toBe('i');
    const block = (id: string) => `<tool_call>\n{"name": "f", "id": "${id}", "arguments": {}}\n</tool_call>`;
    expect(callsOf(scan([block('srv_1'), block('srv_1'), block('srv_2')])).map((c) => c.id)).toEqual([
      'srv_1',
      'call_1',
      'srv_2',
    ]);
  });
});
