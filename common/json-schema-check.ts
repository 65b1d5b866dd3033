const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'] as const;
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'] as const;
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const;
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;

/** Thrown by `checkSchema`; the engine turns it into its named `InvalidSchema` error. */
export class SchemaProblem extends Error {
  override readonly name = 'InvalidSchema';
}

const bad = (where: string, what: string) =>
  new SchemaProblem(`${where} in the JSON schema ${what}. Fix the schema and send again.`);

/**
 * A structural check of a JSON schema before it reaches XGrammar (and in FakeEngine and the
 * Settings panel, so all three reject the same schemas with the same words), whose C++ side aborts on a bad
 * schema with a terse message: this one names the path and the keyword. XGrammar still has the
 * final say on what it supports (its message comes back as InvalidSchema too).
 */
export function checkSchema(schema: unknown, path = '#'): void {
  if (typeof schema === 'boolean') return;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    throw bad(path, `must be an object or a boolean (got ${Array.isArray(schema) ? 'an array' : typeof schema})`);
  }
  const s = schema as Record<string, unknown>;
  if ('type' in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    for (const t of types) {
      if (typeof t !== 'string' || !TYPES.has(t)) {
        throw bad(`${path}/type`, `is ${JSON.stringify(t)}, not one of ${[...TYPES].join(', ')}`);
      }
    }
  }
  if ('enum' in s && (!Array.isArray(s.enum) || s.enum.length === 0))
    throw bad(`${path}/enum`, 'must be a non-empty array');
  if ('required' in s && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string'))) {
    throw bad(`${path}/required`, 'must be an array of property names');
  }
  for (const key of NUMBERS) {
    if (key in s && (typeof s[key] !== 'number' || !Number.isFinite(s[key])))
      throw bad(`${path}/${key}`, 'must be a number');
  }
  for (const key of COUNTS) {
    const v = s[key];
    if (key in s && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw bad(`${path}/${key}`, 'must be a non-negative integer');
    }
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const bound = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].find((k) => k in s);
  if (types.includes('number') && bound) {
    // Measured: its float ranges admit "1.66" under maximum 1, and "0.5" as bounds yields any character.
    throw bad(
      `${path}/${bound}`,
      'bounds a "number", which the grammar engine (web-xgrammar 0.1.27) does not enforce correctly (it lets 1.5 through a maximum of 1). Bound an "integer" instead, or drop the bound',
    );
  }
  if (typeof s.minLength === 'number' && typeof s.maxLength === 'number' && s.minLength > s.maxLength) {
    throw bad(`${path}/minLength`, `(${s.minLength}) is greater than maxLength (${s.maxLength})`);
  }
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number' && s.minimum > s.maximum) {
    throw bad(`${path}/minimum`, `(${s.minimum}) is greater than maximum (${s.maximum})`);
  }
  if ('$ref' in s && (typeof s.$ref !== 'string' || !s.$ref.startsWith('#'))) {
    throw bad(
      `${path}/$ref`,
      `is ${JSON.stringify(s.$ref)}; only references inside the schema ("#/$defs/...") work offline`,
    );
  }
  if ('pattern' in s) {
    if (typeof s.pattern !== 'string') throw bad(`${path}/pattern`, 'must be a string');
    try {
      new RegExp(s.pattern, 'u');
    } catch (e) {
      throw bad(`${path}/pattern`, `is not a valid regular expression (${(e as Error).message})`);
    }
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = s[key];
    if (map === undefined) continue;
    if (!map || typeof map !== 'object' || Array.isArray(map))
      throw bad(`${path}/${key}`, 'must be an object of schemas');
    for (const [name, sub] of Object.entries(map)) checkSchema(sub, `${path}/${key}/${name}`);
  }
  for (const key of SUBSCHEMAS) if (key in s) checkSchema(s[key], `${path}/${key}`);
  for (const key of SUBSCHEMA_LISTS) {
    const list = s[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) throw bad(`${path}/${key}`, 'must be a non-empty array of schemas');
    list.forEach((sub, i) => checkSchema(sub, `${path}/${key}/${i}`));
  }
}

/** The problem with a schema, or null when it passes the check. */
export function schemaProblem(schema: unknown): string | null {
  try {
    checkSchema(schema);
    return null;
  } catch (e) {
    if (e instanceof SchemaProblem) return e.message;
    throw e;
  }
}
