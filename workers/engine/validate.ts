import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import type { GenerateRequest } from '../protocol';
import { EngineError } from './errors';

export const LIMITS = SAMPLING_LIMITS;

export const DEFAULT_SAMPLING = {
  maxTokens: 256,
  temperature: 0.7,
  topK: 40,
  topP: 0.95,
  repetitionPenalty: 1,
} as const;

export interface ValidatedRequest {
  messages: GenerateRequest['messages'];
  prompt: string | undefined;
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  seed: number;
  stop: string[];
  statsIntervalMs: number;
  /** The chat template's `enable_thinking`; undefined keeps the template's default. */
  enableThinking: boolean | undefined;
  /** The answer so far, to go on from (see GenerateRequest.continueIds); empty for a new answer. */
  continueIds: number[];
}

function invalid(field: string, rule: string, got: unknown, hint: string): EngineError {
  const shown = typeof got === 'string' ? JSON.stringify(got) : String(got);
  return new EngineError('InvalidParams', `${field} must be ${rule} (got ${shown}). ${hint}`);
}

function numberIn(
  field: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  hint: string,
  integer = false,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    throw invalid(field, `${kind} from ${min} to ${max}`, value, hint);
  }
  return value;
}

function topPIn(value: number | undefined): number {
  const topP = numberIn('topP', value, DEFAULT_SAMPLING.topP, 0, 1, 'Use 1 to disable top-p.');
  if (topP === 0) throw invalid('topP', 'greater than 0 and at most 1', value, 'Use 1 to disable top-p.');
  return topP;
}

/**
 * Checks a request at the engine boundary. Every rejection names the field,
 * the limit and the fix, because the UI shows these messages verbatim.
 */
function continueIdsIn(ids: unknown, vocabSize: number): number[] {
  if (ids === undefined) return [];
  if (!Array.isArray(ids) || ids.length > LIMITS.maxTokens) {
    throw invalid(
      'continueIds',
      `a list of at most ${LIMITS.maxTokens} token ids`,
      'another value',
      'Send the ids a run emitted.',
    );
  }
  for (const [i, id] of ids.entries()) {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= vocabSize) {
      throw invalid(
        `continueIds[${i}]`,
        `a token id from 0 to ${vocabSize - 1}`,
        id,
        'Send the ids this model emitted.',
      );
    }
  }
  return ids as number[];
}

export function validateRequest(request: GenerateRequest, vocabSize: number): ValidatedRequest {
  const { messages, prompt } = request;
  if ((messages === undefined) === (prompt === undefined)) {
    throw new EngineError('InvalidParams', 'Give exactly one of `messages` or `prompt`.');
  }
  if (prompt !== undefined) {
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new EngineError('InvalidParams', 'prompt is empty. Type some text to send.');
    }
    if (prompt.length > LIMITS.promptChars) {
      throw invalid('prompt', `at most ${LIMITS.promptChars} characters`, `${prompt.length} characters`, 'Shorten it.');
    }
  }
  if (messages !== undefined) {
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new EngineError('InvalidParams', 'messages is empty. Send at least one user message.');
    }
    if (messages.length > LIMITS.messages) {
      throw invalid('messages', `at most ${LIMITS.messages} messages`, messages.length, 'Start a new chat.');
    }
    let total = 0;
    for (const [i, m] of messages.entries()) {
      if (!m || !['system', 'user', 'assistant', 'tool'].includes(m.role) || typeof m.content !== 'string') {
        throw new EngineError(
          'InvalidParams',
          `messages[${i}] must be {role: "system" | "user" | "assistant" | "tool", content: string}.`,
        );
      }
      if (m.content.length > LIMITS.messageChars) {
        throw invalid(
          `messages[${i}].content`,
          `at most ${LIMITS.messageChars} characters`,
          `${m.content.length} characters`,
          'Shorten it.',
        );
      }
      total += m.content.length;
    }
    if (total > LIMITS.conversationChars) {
      throw invalid(
        'messages',
        `at most ${LIMITS.conversationChars} characters in all`,
        `${total} characters`,
        'Start a new chat.',
      );
    }
    const last = messages.at(-1);
    // A tool's result may come last: the model answers it.
    if (!last || (last.role !== 'user' && last.role !== 'tool') || last.content.trim() === '') {
      throw new EngineError(
        'InvalidParams',
        'The last message must be a non-empty user (or tool result) message. Type some text to send.',
      );
    }
  }

  const stop = request.stop ?? [];
  if (!Array.isArray(stop) || stop.length > LIMITS.stopSequences) {
    throw invalid(
      'stop',
      `a list of at most ${LIMITS.stopSequences} strings`,
      stop.length,
      'Remove some stop sequences.',
    );
  }
  for (const [i, s] of stop.entries()) {
    if (typeof s !== 'string' || s.length === 0 || s.length > LIMITS.stopLength) {
      throw invalid(
        `stop[${i}]`,
        `a non-empty string of at most ${LIMITS.stopLength} characters`,
        s,
        'Edit or remove it.',
      );
    }
  }

  if (request.enableThinking !== undefined && typeof request.enableThinking !== 'boolean') {
    throw invalid('enableThinking', 'true or false', request.enableThinking, 'Leave it out for the template default.');
  }

  return {
    messages,
    prompt,
    enableThinking: request.enableThinking,
    continueIds: continueIdsIn(request.continueIds, vocabSize),
    maxTokens: numberIn(
      'maxTokens',
      request.maxTokens,
      DEFAULT_SAMPLING.maxTokens,
      1,
      LIMITS.maxTokens,
      'Lower max tokens.',
      true,
    ),
    temperature: numberIn(
      'temperature',
      request.temperature,
      DEFAULT_SAMPLING.temperature,
      0,
      LIMITS.temperature,
      'Use 0 for greedy decoding.',
    ),
    topK: numberIn('topK', request.topK, DEFAULT_SAMPLING.topK, 0, vocabSize, 'Use 0 to disable top-k.', true),
    topP: topPIn(request.topP),
    repetitionPenalty: numberIn(
      'repetitionPenalty',
      request.repetitionPenalty,
      DEFAULT_SAMPLING.repetitionPenalty,
      LIMITS.repetitionPenalty.min,
      LIMITS.repetitionPenalty.max,
      'Use 1 to disable the penalty.',
    ),
    seed: numberIn(
      'seed',
      request.seed,
      Math.floor(Math.random() * LIMITS.seed),
      0,
      LIMITS.seed,
      'Pick a whole number.',
      true,
    ),
    stop: [...stop],
    statsIntervalMs: numberIn(
      'statsIntervalMs',
      request.statsIntervalMs,
      250,
      16,
      60_000,
      'Use a value in milliseconds.',
    ),
  };
}
