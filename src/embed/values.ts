import { SAMPLING_LIMITS as LIMITS } from '../../common/sampling-limits';

/**
 * Value checks at the iframe boundary, with the engine's own limits, so a bad value is answered at once with
 * `typewriter:error {id, name: 'InvalidParams'}` instead of reaching the worker (or being dropped silently).
 * Text is made well-formed (a lone surrogate becomes U+FFFD) rather than refused: a host that slices a string
 * in the middle of an emoji should still get an answer.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

type Range = { min: number; max: number; integer?: boolean; minExclusive?: boolean };
const RANGES: Record<string, Range> = {
  maxTokens: { min: 1, max: LIMITS.maxTokens, integer: true },
  temperature: { min: 0, max: LIMITS.temperature },
  topK: { min: 0, max: 1_000_000, integer: true },
  topP: { min: 0, max: 1, minExclusive: true },
  seed: { min: 0, max: LIMITS.seed, integer: true },
  repetitionPenalty: LIMITS.repetitionPenalty,
};

/** The first out-of-range option, as a message naming the field, the limit and the value; or null. */
export function checkOptionValues(options: Record<string, unknown>): string | null {
  for (const [key, range] of Object.entries(RANGES)) {
    const v = options[key];
    if (typeof v !== 'number') continue;
    const low = range.minExclusive ? v <= range.min : v < range.min;
    if (low || v > range.max || (range.integer && !Number.isInteger(v))) {
      const kind = range.integer ? 'an integer' : 'a number';
      const from = range.minExclusive ? `greater than ${range.min}` : `from ${range.min}`;
      return `options.${key} must be ${kind} ${from} to ${range.max} (got ${v})`;
    }
  }
  const stop = options.stop;
  if (Array.isArray(stop)) {
    if (stop.length > LIMITS.stopSequences)
      return `options.stop holds at most ${LIMITS.stopSequences} strings (got ${stop.length})`;
    const bad = stop.findIndex((s) => typeof s !== 'string' || s.length === 0 || s.length > LIMITS.stopLength);
    if (bad >= 0) return `options.stop[${bad}] must be a non-empty string of at most ${LIMITS.stopLength} characters`;
  }
  return null;
}

/** Count and size limits for the text of a request; null when it fits. */
export function checkTextSize(texts: readonly string[], what: 'messages' | 'prompt'): string | null {
  if (what === 'messages' && texts.length > LIMITS.messages)
    return `messages holds at most ${LIMITS.messages} messages (got ${texts.length})`;
  const perText = what === 'prompt' ? LIMITS.promptChars : LIMITS.messageChars;
  let total = 0;
  for (const [i, t] of texts.entries()) {
    if (t.length > perText)
      return `${what === 'prompt' ? 'prompt' : `messages[${i}].content`} is ${t.length} characters; the limit is ${perText}`;
    total += t.length;
  }
  if (total > LIMITS.conversationChars)
    return `the messages hold ${total} characters in all; the limit is ${LIMITS.conversationChars}`;
  return null;
}
