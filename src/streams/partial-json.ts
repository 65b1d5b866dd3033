/**
 * An incremental JSON parser for streamed answers. Each pushed character is
 * handled once, and the value is built in place, so after any prefix `value`
 * is the best-effort partial document: open objects and arrays are closed
 * provisionally, a string shows what has arrived of it, and a number, `true`,
 * `false` or `null` appears only once complete (a half-read number would show
 * the wrong value). Every partial value is therefore a prefix of the final one.
 */

type Container = Record<string, unknown> | unknown[];

interface Frame {
  value: Container;
  isArray: boolean;
  key: string | null;
  expect: 'key' | 'colon' | 'value' | 'comma';
  empty: boolean;
}

interface StringScalar {
  kind: 'string';
  text: string;
  escape: '' | '\\' | 'u';
  hex: string;
  isKey: boolean;
  slot: Slot;
}
interface RawScalar {
  kind: 'number' | 'literal';
  raw: string;
}
type Scalar = StringScalar | RawScalar;

type Slot = { frame: Frame; key: string; index: number } | null;

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const LITERALS: Record<string, true | false | null> = { true: true, false: false, null: null };
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const WHITESPACE = ' \t\n\r';

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so a key named "__proto__" is data (as in JSON.parse), not a prototype change.
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

export class PartialJsonParser {
  private root: unknown = undefined;
  private hasRoot = false;
  private readonly stack: Frame[] = [];
  private scalar: Scalar | null = null;
  private position = 0;
  /** Bumped on every visible change, so views can tell when to re-render. */
  version = 0;
  /** The root value is complete; anything after it (a closing fence) is ignored. */
  complete = false;
  error: string | null = null;

  get value(): unknown {
    return this.root;
  }

  get started(): boolean {
    return this.hasRoot;
  }

  push(chunk: string): void {
    for (let i = 0; i < chunk.length && !this.error && !this.complete; i++) {
      this.char(chunk[i] ?? '');
      this.position++;
    }
  }

  /** The input has ended: a number at the top level completes (nothing else can). */
  end(): void {
    if (this.scalar?.kind === 'number' && this.stack.length === 0) this.finishNumber();
  }

  private fail(message: string): void {
    this.error = `Invalid JSON at character ${this.position + 1}: ${message}.`;
  }

  private char(ch: string): void {
    const s = this.scalar;
    if (s?.kind === 'string') return this.stringChar(s, ch);
    if (s?.kind === 'literal') return this.literalChar(s, ch);
    if (s?.kind === 'number') {
      if (/[0-9eE.+-]/.test(ch)) {
        s.raw += ch;
        return;
      }
      if (!this.finishNumber()) return;
    }
    if (WHITESPACE.includes(ch)) return;
    const top = this.stack.at(-1);
    if (!top) return this.hasRoot ? this.fail('more than one value') : this.startValue(ch);
    switch (top.expect) {
      case 'key':
        if (ch === '"') this.scalar = { kind: 'string', text: '', escape: '', hex: '', isKey: true, slot: null };
        else if (ch === '}' && top.empty) this.close();
        else this.fail(`expected a key, got ${JSON.stringify(ch)}`);
        return;
      case 'colon':
        if (ch === ':') top.expect = 'value';
        else this.fail(`expected ':', got ${JSON.stringify(ch)}`);
        return;
      case 'value':
        if (ch === ']' && top.isArray && top.empty) this.close();
        else this.startValue(ch);
        return;
      case 'comma':
        if (ch === ',') top.expect = top.isArray ? 'value' : 'key';
        else if (ch === (top.isArray ? ']' : '}')) this.close();
        else this.fail(`expected ',' or '${top.isArray ? ']' : '}'}', got ${JSON.stringify(ch)}`);
        return;
    }
  }

  private startValue(ch: string): void {
    if (ch === '{' || ch === '[') {
      const value: Container = ch === '[' ? [] : {};
      this.place(value);
      this.stack.push({ value, isArray: ch === '[', key: null, expect: ch === '[' ? 'value' : 'key', empty: true });
    } else if (ch === '"') {
      this.scalar = { kind: 'string', text: '', escape: '', hex: '', isKey: false, slot: this.place('') };
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      this.scalar = { kind: 'number', raw: ch };
    } else if ('tfn'.includes(ch)) {
      this.scalar = { kind: 'literal', raw: ch };
    } else {
      this.fail(`unexpected ${JSON.stringify(ch)}`);
    }
  }

  /** Puts a value where the parser is (root, array end, or the current key) and says where, for later updates. */
  private place(value: unknown): Slot {
    this.version++;
    const top = this.stack.at(-1);
    if (!top) {
      this.root = value;
      this.hasRoot = true;
      return null;
    }
    top.empty = false;
    if (top.isArray) {
      const array = top.value as unknown[];
      array.push(value);
      return { frame: top, key: '', index: array.length - 1 };
    }
    const key = top.key ?? '';
    setOwn(top.value as Record<string, unknown>, key, value);
    return { frame: top, key, index: -1 };
  }

  private update(slot: Slot, value: unknown): void {
    this.version++;
    if (!slot) this.root = value;
    else if (slot.frame.isArray) (slot.frame.value as unknown[])[slot.index] = value;
    else setOwn(slot.frame.value as Record<string, unknown>, slot.key, value);
  }

  private valueDone(): void {
    const top = this.stack.at(-1);
    if (top) top.expect = 'comma';
    else this.complete = true;
  }

  private close(): void {
    this.stack.pop();
    this.version++;
    this.valueDone();
  }

  private finishNumber(): boolean {
    const s = this.scalar;
    if (s?.kind !== 'number') return true;
    this.scalar = null;
    if (!NUMBER.test(s.raw)) {
      this.fail(`${s.raw} is not a number`);
      return false;
    }
    this.place(Number(s.raw));
    this.valueDone();
    return true;
  }

  private literalChar(s: RawScalar, ch: string): void {
    s.raw += ch;
    const match = Object.keys(LITERALS).find((word) => word.startsWith(s.raw));
    if (!match) return this.fail(`${s.raw} is not true, false or null`);
    if (match.length !== s.raw.length) return;
    this.scalar = null;
    this.place(LITERALS[match]);
    this.valueDone();
  }

  private stringChar(s: StringScalar, ch: string): void {
    if (s.escape === 'u') {
      if (!/[0-9a-fA-F]/.test(ch)) return this.fail(`bad \\u escape digit ${JSON.stringify(ch)}`);
      s.hex += ch;
      if (s.hex.length < 4) return;
      s.escape = '';
      return this.append(s, String.fromCharCode(parseInt(s.hex, 16)));
    }
    if (s.escape === '\\') {
      s.escape = '';
      if (ch === 'u') {
        s.escape = 'u';
        s.hex = '';
        return;
      }
      const out = ESCAPES[ch];
      return out === undefined ? this.fail(`bad escape \\${ch}`) : this.append(s, out);
    }
    if (ch === '\\') {
      s.escape = '\\';
      return;
    }
    if (ch === '"') {
      this.scalar = null;
      const top = this.stack.at(-1);
      if (s.isKey && top) {
        top.key = s.text;
        top.expect = 'colon';
      } else {
        this.valueDone();
      }
      return;
    }
    if (ch < ' ') return this.fail('control character in a string');
    this.append(s, ch);
  }

  private append(s: StringScalar, text: string): void {
    s.text += text;
    if (!s.isKey) this.update(s.slot, s.text);
  }
}

/** One-shot: the partial value of a (possibly unfinished) JSON text. */
export function parsePartialJson(text: string): { value: unknown; complete: boolean; error: string | null } {
  const parser = new PartialJsonParser();
  parser.push(text);
  return { value: parser.value, complete: parser.complete, error: parser.error };
}

const FENCE = /^```json[ \t]*\r?\n/i;

/**
 * Where JSON starts in an answer: at a leading `{` or `[`, or after a leading ```json fence line.
 * 'pending' while the text so far could still become either; null when it is not JSON.
 */
export function jsonStart(text: string): number | 'pending' | null {
  const lead = text.length - text.trimStart().length;
  const t = text.slice(lead);
  if (t === '') return 'pending';
  if (t[0] === '{' || t[0] === '[') return lead;
  const fence = FENCE.exec(t);
  if (fence) return lead + fence[0].length;
  if (/^`{1,3}$|^```j(s(on?)?)?$|^```json[ \t]*\r?$/i.test(t)) return 'pending';
  return null;
}
