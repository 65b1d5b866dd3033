import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import type { SamplingParams } from '../../workers/protocol';

/**
 * The sampling form as typed (strings), and its parse into engine params.
 * The checks mirror workers/engine/validate.ts (same limits, same wording) so
 * most mistakes show before sending; the engine stays the authority, and its
 * InvalidParams messages are shown next to the field they name.
 */
export interface SamplingDraft {
  temperature: string;
  topK: string;
  topP: string;
  maxTokens: string;
  repetitionPenalty: string;
  /** One stop sequence per line. */
  stop: string;
  /** Empty means a fresh random seed each time. */
  seed: string;
}

export type SamplingField = keyof SamplingDraft;
export type FieldErrors = Partial<Record<SamplingField, string>>;

export const SAMPLING_FIELDS: readonly SamplingField[] = [
  'temperature',
  'topK',
  'topP',
  'maxTokens',
  'repetitionPenalty',
  'stop',
  'seed',
];

export const DEFAULT_SAMPLING_DRAFT: SamplingDraft = {
  temperature: '0.7',
  topK: '40',
  topP: '0.95',
  maxTokens: '256',
  repetitionPenalty: '1.1',
  stop: '',
  seed: '',
};

/** The engine's own limits; it re-checks them. */
export { SAMPLING_LIMITS };

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
  hint: string;
}

const RULES: Record<Exclude<SamplingField, 'stop' | 'seed' | 'topP'>, NumberRule> = {
  maxTokens: { min: 1, max: SAMPLING_LIMITS.maxTokens, integer: true, hint: 'Lower max tokens.' },
  temperature: { min: 0, max: SAMPLING_LIMITS.temperature, integer: false, hint: 'Use 0 for greedy decoding.' },
  topK: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true, hint: 'Use 0 to disable top-k.' },
  repetitionPenalty: {
    min: SAMPLING_LIMITS.repetitionPenalty.min,
    max: SAMPLING_LIMITS.repetitionPenalty.max,
    integer: false,
    hint: 'Use 1 to disable the penalty.',
  },
};

function checkNumber(field: string, raw: string, rule: NumberRule): { value?: number; error?: string } {
  const value = Number(raw.trim());
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    value <= rule.max &&
    (!rule.integer || Number.isInteger(value));
  if (ok) return { value };
  const kind = rule.integer ? 'an integer' : 'a number';
  const range = rule.max === Number.MAX_SAFE_INTEGER ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
  return { error: `${field} must be ${kind} ${range} (got ${raw.trim() || 'nothing'}). ${rule.hint}` };
}

export function parseStop(raw: string): string[] {
  return raw.split('\n').filter((s) => s.length > 0);
}

export function parseSampling(draft: SamplingDraft): { params: SamplingParams; errors: FieldErrors } {
  const params: SamplingParams = {};
  const errors: FieldErrors = {};
  for (const field of ['maxTokens', 'temperature', 'topK', 'repetitionPenalty'] as const) {
    const { value, error } = checkNumber(field, draft[field], RULES[field]);
    if (error) errors[field] = error;
    else params[field] = value;
  }
  const topP = Number(draft.topP.trim());
  if (draft.topP.trim() === '' || !Number.isFinite(topP) || topP <= 0 || topP > 1) {
    errors.topP = `topP must be greater than 0 and at most 1 (got ${draft.topP.trim() || 'nothing'}). Use 1 to disable top-p.`;
  } else params.topP = topP;

  const stop = parseStop(draft.stop);
  if (stop.length > SAMPLING_LIMITS.stopSequences) {
    errors.stop = `stop must be a list of at most ${SAMPLING_LIMITS.stopSequences} strings (got ${stop.length}). Remove some stop sequences.`;
  } else if (stop.some((s) => s.length > SAMPLING_LIMITS.stopLength)) {
    errors.stop = `Each stop sequence must be at most ${SAMPLING_LIMITS.stopLength} characters. Edit or remove it.`;
  } else if (stop.length > 0) params.stop = stop;

  if (draft.seed.trim() !== '') {
    const { value, error } = checkNumber('seed', draft.seed, {
      min: 0,
      max: SAMPLING_LIMITS.seed,
      integer: true,
      hint: 'Pick a whole number, or leave it empty for a random seed.',
    });
    if (error) errors.seed = error;
    else params.seed = value;
  }
  return { params, errors };
}

/** The engine's InvalidParams messages start with the field name ("topK must be…", "stop[2] must be…"). */
export function fieldFromEngineMessage(message: string): SamplingField | null {
  const name = /^([A-Za-z]+)(\[\d+\])? must/.exec(message)?.[1];
  return name && (SAMPLING_FIELDS as readonly string[]).includes(name) ? (name as SamplingField) : null;
}
