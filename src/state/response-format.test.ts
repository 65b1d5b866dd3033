import { describe, expect, it } from 'vitest';
import { parseResponseSchema } from './response-format';

describe('parseResponseSchema', () => {
  it('is free text when empty', () => {
    expect(parseResponseSchema('  ')).toEqual({ value: null, error: null });
  });

  it('says when the text is not JSON', () => {
    expect(parseResponseSchema('{"type": ').error).toMatch(/^The JSON schema is not valid JSON \(/);
  });

  it('names the path of a bad keyword', () => {
    const { value, error } = parseResponseSchema('{"type": "object", "properties": {"a": {"type": "strnig"}}}');
    expect(value).toBeNull();
    expect(error).toContain('#/properties/a/type');
  });

  it('rejects a non-object schema', () => {
    expect(parseResponseSchema('[1]').error).toMatch(/must be a JSON object/);
  });

  it('gives a strict json_schema response format for a good schema', () => {
    const { value, error } = parseResponseSchema('{"type": "object", "properties": {"n": {"type": "integer"}}}');
    expect(error).toBeNull();
    expect(value).toEqual({
      type: 'json_schema',
      schema: { type: 'object', properties: { n: { type: 'integer' } } },
      strict: true,
    });
  });
});
