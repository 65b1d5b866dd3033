import { describe, expect, it } from 'vitest';
import { jsonStart, parsePartialJson, PartialJsonParser } from './partial-json';

/** `partial` could grow into `full`: strings are prefixes, arrays and objects hold partial members. */
function isPartialOf(partial: unknown, full: unknown): boolean {
  if (partial === undefined) return true;
  if (typeof full === 'string') return typeof partial === 'string' && full.startsWith(partial);
  if (Array.isArray(full)) {
    if (!Array.isArray(partial) || partial.length > full.length) return false;
    return partial.every((p, i) =>
      i < partial.length - 1 ? JSON.stringify(p) === JSON.stringify(full[i]) : isPartialOf(p, full[i]),
    );
  }
  if (full !== null && typeof full === 'object') {
    if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) return false;
    const f = full as Record<string, unknown>;
    return Object.entries(partial).every(([k, v]) => Object.hasOwn(f, k) && isPartialOf(v, f[k]));
  }
  return Object.is(partial, full);
}

const DOCS = [
  '{"name":"Ada","age":36,"tags":["a","b"],"nested":{"ok":true,"none":null,"f":false},"pi":-3.14e+2}',
  '[1, 22, 333, [], {}, [[]], {"a": [1, {"b": "c"}]}, "x", -0.5, 1E3]',
  '{"esc":"quote \\" backslash \\\\ slash \\/ nl \\n tab \\t","uni":"caf\\u00e9 \\ud83d\\ude00 日本語 😀"}',
  '  {\n  "spaced" : [ 1 , 2 ] ,\n  "e" : "" \n}  ',
  '"just a string"',
  '{"__proto__": {"x": 1}, "after": [true]}',
];

describe('PartialJsonParser', () => {
  it.each(DOCS)('every prefix of %s parses to a partial of the final value, growing monotonically', (doc) => {
    const final: unknown = JSON.parse(doc);
    let previous: unknown = undefined;
    for (let i = 0; i <= doc.length; i++) {
      const { value, error } = parsePartialJson(doc.slice(0, i));
      expect(error).toBeNull();
      expect(isPartialOf(value, final), `prefix ${JSON.stringify(doc.slice(0, i))}`).toBe(true);
      expect(isPartialOf(previous, structuredClone(value))).toBe(true);
      previous = structuredClone(value);
    }
    const whole = parsePartialJson(doc);
    expect(whole.complete).toBe(true);
    expect(JSON.stringify(whole.value)).toBe(JSON.stringify(final));
  });

  it.each(DOCS)('gives the same result for any token split of %s (numbers and escapes split)', (doc) => {
    for (const size of [1, 2, 3, 5]) {
      const p = new PartialJsonParser();
      for (let i = 0; i < doc.length; i += size) p.push(doc.slice(i, i + size));
      p.end();
      expect(JSON.stringify(p.value)).toBe(JSON.stringify(JSON.parse(doc)));
    }
  });

  it('closes open containers provisionally and shows a partial string', () => {
    expect(parsePartialJson('{"a": [1, 2, {"b": "hel').value).toEqual({ a: [1, 2, { b: 'hel' }] });
    expect(parsePartialJson('{"a": "x", "b').value).toEqual({ a: 'x' });
    expect(parsePartialJson('{"a": "x", "b":').value).toEqual({ a: 'x' });
  });

  it('shows a number only once complete, and a top-level number at end()', () => {
    expect(parsePartialJson('{"n": 12').value).toEqual({});
    expect(parsePartialJson('{"n": 12,').value).toEqual({ n: 12 });
    expect(parsePartialJson('[1.5e').value).toEqual([]);
    expect(parsePartialJson('[tru').value).toEqual([]);
    expect(parsePartialJson('[true').value).toEqual([true]);
    const p = new PartialJsonParser();
    p.push('4');
    p.push('2');
    expect(p.value).toBeUndefined();
    p.end();
    expect(p.value).toBe(42);
  });

  it('keeps an incomplete escape out of the partial string', () => {
    expect(parsePartialJson('["a\\').value).toEqual(['a']);
    expect(parsePartialJson('["a\\u00').value).toEqual(['a']);
    expect(parsePartialJson('["a\\u00e9').value).toEqual(['aé']);
  });

  it('ignores text after the value (a closing fence) and reports malformed input with a position', () => {
    const ok = parsePartialJson('{"a":1}\n```\nmore text');
    expect(ok).toMatchObject({ value: { a: 1 }, complete: true, error: null });
    expect(parsePartialJson('{"a" 1}').error).toBe('Invalid JSON at character 6: expected \':\', got "1".');
    expect(parsePartialJson('[01]').error).toMatch(/01 is not a number/);
    expect(parsePartialJson('["a\nb"]').error).toMatch(/control character/);
    expect(parsePartialJson('[nul]').error).toMatch(/is not true, false or null/);
  });

  it('stores a "__proto__" key as data, like JSON.parse', () => {
    const { value } = parsePartialJson('{"__proto__": {"x": 1}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    // A repeated key keeps the last value, as JSON.parse does (the only case where a partial is not a prefix).
    expect(parsePartialJson('{"d": 1, "d": 2}').value).toEqual({ d: 2 });
  });

  it('bumps version on visible changes only', () => {
    const p = new PartialJsonParser();
    p.push('{"a"');
    const v = p.version;
    p.push(' : ');
    expect(p.version).toBe(v);
    p.push('"x');
    expect(p.version).toBeGreaterThan(v);
  });
});

describe('jsonStart', () => {
  it('finds JSON at a leading brace or bracket, or after a json fence', () => {
    expect(jsonStart('  {"a":1}')).toBe(2);
    expect(jsonStart('[1]')).toBe(0);
    expect(jsonStart('```json\n{"a":1}\n```')).toBe(8);
    expect(jsonStart('\n```JSON  \r\n[')).toBe(12);
  });

  it('waits while undecided and says null for prose', () => {
    for (const t of ['', '  ', '`', '```', '```js', '```json', '```json ']) expect(jsonStart(t)).toBe('pending');
    for (const t of ['Hello', '```python\n', 'x{']) expect(jsonStart(t)).toBeNull();
  });
});
