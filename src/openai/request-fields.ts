import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import type { ResponseFormat, ToolChoice, ToolFunction } from '../../workers/protocol';
import { invalidRequest, type OpenAiError } from './errors';
import { isRecord } from './messages';

/** Checks of single chat-request fields (request.ts decides which fields exist and maps them). */

type Json = Record<string, unknown>;
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function numberField(
  body: Json,
  key: string,
  check: (v: number) => boolean,
  rule: string,
): number | OpenAiError | undefined {
  if (body[key] === undefined || body[key] === null) return undefined;
  const v = body[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    return invalidRequest(`'${key}' must be ${rule} (got ${JSON.stringify(v)}).`, key, 'invalid_value');
  }
  return v;
}

export const isInt = (v: number) => Number.isInteger(v);

export function stopSequences(value: unknown): string[] | OpenAiError {
  const list = typeof value === 'string' ? [value] : value;
  const max = Math.min(4, SAMPLING_LIMITS.stopSequences);
  if (
    !Array.isArray(list) ||
    list.length > max ||
    list.some((s) => typeof s !== 'string' || s.length === 0 || s.length > SAMPLING_LIMITS.stopLength)
  ) {
    return invalidRequest(
      `'stop' must be a string or an array of up to ${max} non-empty strings of at most ${SAMPLING_LIMITS.stopLength} characters.`,
      'stop',
      'invalid_value',
    );
  }
  return list as string[];
}

export function responseFormat(value: unknown): ResponseFormat | OpenAiError {
  if (!isRecord(value))
    return invalidRequest("'response_format' must be an object.", 'response_format', 'invalid_type');
  if (value.type === 'text' || value.type === 'json_object') return { type: value.type };
  if (value.type !== 'json_schema') {
    return invalidRequest(
      `'response_format.type' must be text, json_object or json_schema (got ${JSON.stringify(value.type)}).`,
      'response_format.type',
      'invalid_value',
    );
  }
  const spec = value.json_schema;
  if (!isRecord(spec) || typeof spec.name !== 'string') {
    return invalidRequest(
      "'response_format.json_schema' must be {name, schema, strict?}.",
      'response_format.json_schema',
      'invalid_value',
    );
  }
  if (spec.schema !== undefined && !isRecord(spec.schema)) {
    return invalidRequest(
      "'response_format.json_schema.schema' must be a JSON schema object.",
      'response_format.json_schema.schema',
      'invalid_type',
    );
  }
  return {
    type: 'json_schema',
    schema: (spec.schema as Record<string, unknown> | undefined) ?? {},
    name: spec.name,
    ...(typeof spec.strict === 'boolean' && { strict: spec.strict }),
  };
}

export function toolList(value: unknown): ToolFunction[] | OpenAiError {
  if (!Array.isArray(value) || value.length > 128) {
    return invalidRequest("'tools' must be an array of at most 128 tools.", 'tools', 'invalid_type');
  }
  const tools: ToolFunction[] = [];
  for (const [i, tool] of value.entries()) {
    const at = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      return invalidRequest(
        `${at} must be {type: 'function', function: {name, description?, parameters?}} (custom tools are not supported).`,
        at,
        'invalid_value',
      );
    }
    const { name, description, parameters } = tool.function;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      return invalidRequest(
        `${at}.function.name must be 1-64 letters, digits, _ or -.`,
        `${at}.function.name`,
        'invalid_value',
      );
    }
    if (parameters !== undefined && !isRecord(parameters)) {
      return invalidRequest(
        `${at}.function.parameters must be a JSON schema object.`,
        `${at}.function.parameters`,
        'invalid_type',
      );
    }
    tools.push({
      name,
      ...(typeof description === 'string' && { description }),
      ...(parameters !== undefined && { parameters: parameters as Record<string, unknown> }),
    });
  }
  return tools;
}

export function toolChoice(value: unknown, tools: readonly ToolFunction[] | undefined): ToolChoice | OpenAiError {
  if (!tools?.length) {
    return invalidRequest("'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice', 'invalid_value');
  }
  if (value === 'none' || value === 'auto' || value === 'required') return value;
  const name =
    isRecord(value) && value.type === 'function' && isRecord(value.function) ? value.function.name : undefined;
  if (typeof name !== 'string') {
    return invalidRequest(
      "'tool_choice' must be none, auto, required or {type: 'function', function: {name}}.",
      'tool_choice',
      'invalid_value',
    );
  }
  if (!tools.some((t) => t.name === name)) {
    return invalidRequest(
      `'tool_choice' names ${JSON.stringify(name)}, which is not in 'tools'.`,
      'tool_choice',
      'invalid_value',
    );
  }
  return { name };
}
