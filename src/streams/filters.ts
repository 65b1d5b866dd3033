/**
 * Display filters over streamed text. A filter is stateful: `push` returns the
 * text that is safe to show now and may hold back a tail that a later token
 * could still change (a half-written redacted word, a run of whitespace);
 * `flush` releases it when the stream ends. Streaming a text through a filter
 * in any split gives the same output as filtering it in one piece.
 */
export interface TextFilter {
  push(chunk: string): string;
  flush(): string;
}

export const REDACTION_CHAR = '█';
/** A regex entry may match across at most this many held-back characters. */
const REGEX_HOLD_LIMIT = 64;

export interface RedactionRules {
  words: string[];
  regexes: RegExp[];
}

/**
 * Reads the "Redact words" setting: comma-separated entries; `/pattern/flags` is a regex,
 * anything else a literal matched case-insensitively anywhere (also inside longer words).
 * Invalid regexes are reported, not thrown.
 */
export function parseRedaction(setting: string): { rules: RedactionRules; errors: string[] } {
  const rules: RedactionRules = { words: [], regexes: [] };
  const errors: string[] = [];
  for (const raw of setting.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const regex = /^\/(.+)\/([a-z]*)$/.exec(entry);
    if (!regex) {
      rules.words.push(entry);
      continue;
    }
    try {
      const flags = new Set((regex[2] ?? '').replace(/[gy]/g, ''));
      rules.regexes.push(new RegExp(regex[1] ?? '', [...flags, 'g'].join('')));
    } catch (error) {
      errors.push(`Redact words: ${entry} is not a valid regular expression (${(error as Error).message}).`);
    }
  }
  return { rules, errors };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every match with █ of the same length; holds back a tail that may still become a match. */
export function redactFilter(rules: RedactionRules): TextFilter {
  const words = rules.words.map((w) => w.toLowerCase());
  const literal = words.length
    ? new RegExp(
        rules.words
          .map(escapeRegex)
          .sort((a, b) => b.length - a.length)
          .join('|'),
        'giu',
      )
    : null;
  const patterns = literal ? [literal, ...rules.regexes] : rules.regexes;
  let buffer = '';
  // Held characters already known to be inside a match that began in emitted text.
  let carried = new Uint8Array(0);

  const mask = (text: string): { out: string; hidden: Uint8Array } => {
    const hidden = new Uint8Array(text.length);
    hidden.set(carried.subarray(0, text.length));
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      for (const m of text.matchAll(pattern)) hidden.fill(1, m.index, m.index + m[0].length);
    }
    let out = '';
    for (let i = 0; i < text.length; i++) out += hidden[i] ? REDACTION_CHAR : text[i];
    return { out, hidden };
  };

  /** Length of the longest tail of `buffer` that could still grow into a match. */
  const holdLength = (): number => {
    let hold = 0;
    const lower = buffer.toLowerCase();
    for (const word of words) {
      for (let k = Math.min(word.length - 1, lower.length); k > hold; k--) {
        if (lower.endsWith(word.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    if (rules.regexes.length > 0) {
      const trailingWord = /\S*$/.exec(buffer)?.[0].length ?? 0;
      hold = Math.max(hold, Math.min(trailingWord, REGEX_HOLD_LIMIT));
    }
    return Math.min(hold, buffer.length);
  };

  return {
    push(chunk) {
      buffer += chunk;
      const { out, hidden } = mask(buffer);
      const cut = buffer.length - holdLength();
      buffer = buffer.slice(cut);
      carried = hidden.slice(cut);
      // The held tail is masked again with the next chunk, so only the emitted part is final.
      return out.slice(0, cut);
    },
    flush() {
      const { out } = mask(buffer);
      buffer = '';
      carried = new Uint8Array(0);
      return out;
    },
  };
}

/**
 * Collapses whitespace: a run with two or more line breaks becomes a blank line,
 * one line break stays one, any other run becomes a single space; leading and
 * trailing whitespace is dropped. Holds back a trailing run until it ends.
 */
export function whitespaceFilter(): TextFilter {
  let started = false;
  let run = '';
  const collapse = (ws: string) => {
    const breaks = ws.split('\n').length - 1;
    return breaks >= 2 ? '\n\n' : breaks === 1 ? '\n' : ' ';
  };
  return {
    push(chunk) {
      let out = '';
      for (const ch of chunk) {
        if (/\s/.test(ch)) {
          run += ch;
          continue;
        }
        if (run && started) out += collapse(run);
        run = '';
        started = true;
        out += ch;
      }
      return out;
    },
    flush() {
      run = '';
      return '';
    },
  };
}

export const identityFilter = (): TextFilter => ({ push: (chunk) => chunk, flush: () => '' });

/** Filters applied in order: each one's output is the next one's input. */
export function chainFilters(filters: readonly TextFilter[]): TextFilter {
  if (filters.length === 0) return identityFilter();
  return {
    push: (chunk) => filters.reduce((text, f) => f.push(text), chunk),
    flush() {
      let text = '';
      for (const f of filters) text = f.push(text) + f.flush();
      return text;
    },
  };
}

export function applyFilter(filter: TextFilter, text: string): string {
  return filter.push(text) + filter.flush();
}

export interface DisplayFilterSettings {
  redactWords: string;
  normalizeWhitespace: boolean;
}

/** The chain the settings ask for: whitespace first, so redaction sees the text as shown. */
export function displayFilter(settings: DisplayFilterSettings): TextFilter {
  const filters: TextFilter[] = [];
  if (settings.normalizeWhitespace) filters.push(whitespaceFilter());
  const { rules } = parseRedaction(settings.redactWords);
  if (rules.words.length || rules.regexes.length) filters.push(redactFilter(rules));
  return chainFilters(filters);
}
