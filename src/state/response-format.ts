import { schemaProblem } from '../../common/json-schema-check';
import type { ResponseFormat } from '../../workers/protocol';

/**
 * The Settings panel's JSON-schema field, as typed: empty means free text; otherwise it must be
 * JSON and a schema the engine's check accepts (the same check, so the message is the same).
 */
export function parseResponseSchema(text: string): { value: ResponseFormat | null; error: string | null } {
  if (text.trim() === '') return { value: null, error: null };
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    return { value: null, error: `The JSON schema is not valid JSON (${(e as Error).message}).` };
  }
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    return { value: null, error: 'The JSON schema must be a JSON object, like {"type": "object", ...}.' };
  }
  const problem = schemaProblem(schema);
  if (problem) return { value: null, error: problem };
  return { value: { type: 'json_schema', schema: schema as Record<string, unknown>, strict: true }, error: null };
}
