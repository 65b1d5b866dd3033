import { schemaProblem } from '../../common/json-schema-check';
import type { GenerateRequest } from '../../workers/protocol';

/** Thrown as the real engine's named errors (only `name` and `message` matter across the boundary). */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The smallest value a schema accepts, as simply as FakeEngine needs (no grammar engine here). */
export function exampleValue(schema: unknown): unknown {
  if (schema === true || !schema || typeof schema !== 'object') return {};
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const sub = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(sub)) return exampleValue(sub[0]);
  const type = Array.isArray(s.type) ? (s.type[0] as string) : (s.type as string | undefined);
  switch (type) {
    case 'string':
      return 'text'.slice(0, typeof s.maxLength === 'number' ? s.maxLength : 4);
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const n = typeof s.minItems === 'number' ? s.minItems : 1;
      return Array.from({ length: n }, () => exampleValue(s.items));
    }
    default: {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleValue(v)]));
    }
  }
}

/**
 * FakeEngine's structured output: the same checks and errors as the real engine
 * (workers/engine/grammar/grammar-request.ts), and a valid answer in the same layout
 * (one line, ", " and ": "). Null for free text.
 */
export function fakeStructuredText(request: GenerateRequest): string | null {
  const tools = request.tools ?? [];
  for (const [i, t] of tools.entries()) {
    const problem = t.parameters === undefined ? null : schemaProblem(t.parameters);
    if (problem) throw named('InvalidSchema', `tools[${i}].parameters: ${problem}`);
  }
  const choice = request.toolChoice ?? 'auto';
  if (choice !== 'auto' && choice !== 'none') {
    const tool = choice === 'required' ? tools[0] : tools.find((t) => t.name === choice.name);
    if (!tool) throw named('InvalidParams', 'toolChoice asks for a tool call that tools does not define.');
    const call = { name: tool.name, arguments: exampleValue(tool.parameters ?? { type: 'object' }) };
    return `<tool_call>\n${spaced(call)}\n</tool_call>`;
  }
  const format = request.responseFormat;
  if (!format || format.type === 'text') return null;
  if (format.type === 'json_object') return '{"fake": true}';
  const problem = schemaProblem(format.schema);
  if (problem) throw named('InvalidSchema', problem);
  return spaced(exampleValue(format.schema));
}

/** JSON.stringify with the engine's separators. */
function spaced(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spaced).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${spaced(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The answer cut into token-sized pieces, so the stream grows as a real one does. */
export function pieces(text: string, size = 3): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
