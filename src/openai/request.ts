import { SAMPLING_LIMITS } from '../../common/sampling-limits';
import type { GenerateRequest } from '../../workers/protocol';
import { invalidRequest, type OpenAiError } from './errors';
import { isRecord, parseMessages } from './messages';
import { isInt, numberField, responseFormat, stopSequences, toolChoice, toolList } from './request-fields';

/**
 * Validation of a `POST /v1/chat/completions` body and its mapping to a GenerateRequest.
 * Every field is either supported (SUPPORTED_FIELDS), accepted only at the value that asks for
 * what we do anyway (AT_DEFAULT_ONLY), or refused with a 400 that names it. Nothing is ignored.
 * `null` means "the default", as in OpenAI's API.
 */

/** The fields that do something here, OpenAI's and two common extensions (vLLM's names). */
export const SUPPORTED_FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'seed',
  'stop',
  'response_format',
  'tools',
  'tool_choice',
  'top_k',
  'repetition_penalty',
] as const;

/** Fields accepted only at a value that changes nothing: one choice, no penalties, no logprobs. */
export const AT_DEFAULT_ONLY: Readonly<Record<string, { ok: (v: unknown) => boolean; hint: string }>> = {
  n: { ok: (v) => v === 1, hint: 'only n=1 (one choice per request)' },
  presence_penalty: { ok: (v) => v === 0, hint: 'only 0 (use repetition_penalty)' },
  frequency_penalty: { ok: (v) => v === 0, hint: 'only 0 (use repetition_penalty)' },
  logprobs: { ok: (v) => v === false, hint: 'only false' },
  parallel_tool_calls: { ok: (v) => v === true, hint: 'only true (the model may emit several calls)' },
  logit_bias: { ok: (v) => isRecord(v) && Object.keys(v).length === 0, hint: 'only {}' },
};

/** Sampling when the request leaves a field out. max_tokens defaults to the engine's 256. */
export const OPENAI_DEFAULTS = { temperature: 1, topP: 1, topK: 0, repetitionPenalty: 1 } as const;

export interface ChatCall {
  request: GenerateRequest;
  stream: boolean;
  includeUsage: boolean;
  /** The `model` the caller named (echoed in the response). */
  model: string;
  /** Whether the model's output is scanned for `<tool_call>` blocks. */
  parseToolCalls: boolean;
}

type Json = Record<string, unknown>;
const present = (body: Json, key: string) => body[key] !== undefined && body[key] !== null;

/** Fields that are neither supported nor at their no-op value, each with why. */
function unsupportedFields(body: Json): string[] {
  const supported: readonly string[] = SUPPORTED_FIELDS;
  const out: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (supported.includes(key) || value === null || value === undefined) continue;
    const rule = AT_DEFAULT_ONLY[key];
    if (rule?.ok(value)) continue;
    out.push(rule ? `'${key}' (${rule.hint})` : `'${key}'`);
  }
  return out;
}

const isError = (v: unknown): v is OpenAiError => isRecord(v) && typeof v.status === 'number' && isRecord(v.body);

/** Checks a parsed JSON body; the ok result's request goes to the engine as is. */
export function parseChatRequest(body: unknown): { ok: true; call: ChatCall } | { ok: false; error: OpenAiError } {
  const fail = (error: OpenAiError) => ({ ok: false as const, error });
  if (!isRecord(body)) return fail(invalidRequest('The request body must be a JSON object.', null, 'invalid_type'));

  const unsupported = unsupportedFields(body);
  if (unsupported.length > 0) {
    const first = unsupported[0]?.match(/^'([^']+)'/)?.[1] ?? null;
    return fail(
      invalidRequest(
        `Unsupported parameter(s): ${unsupported.join(', ')}. Typewriter's local API supports ` +
          `${SUPPORTED_FIELDS.join(', ')}; remove the others.`,
        first,
        'unsupported_parameter',
      ),
    );
  }
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return fail(
      invalidRequest("Missing required parameter: 'model' (a string).", 'model', 'missing_required_parameter'),
    );
  }
  const messages = parseMessages(body.messages);
  if (isError(messages)) return fail(messages);

  if (present(body, 'stream') && typeof body.stream !== 'boolean') {
    return fail(invalidRequest("'stream' must be a boolean.", 'stream', 'invalid_type'));
  }
  const stream = body.stream === true;
  let includeUsage = false;
  if (present(body, 'stream_options')) {
    const options = body.stream_options;
    if (!stream) {
      return fail(
        invalidRequest("'stream_options' is only allowed when 'stream' is true.", 'stream_options', 'invalid_value'),
      );
    }
    const extra = isRecord(options)
      ? Object.keys(options).filter(
          (k) => k !== 'include_usage' && !(k === 'include_obfuscation' && options[k] === false),
        )
      : ['(not an object)'];
    if (
      !isRecord(options) ||
      extra.length > 0 ||
      (present(options, 'include_usage') && typeof options.include_usage !== 'boolean')
    ) {
      return fail(
        invalidRequest(
          `'stream_options' supports only include_usage (boolean)${extra.length ? `; unsupported: ${extra.join(', ')}` : ''}.`,
          'stream_options',
          'unsupported_parameter',
        ),
      );
    }
    includeUsage = options.include_usage === true;
  }

  const intRule = `an integer from 1 to ${SAMPLING_LIMITS.maxTokens}`;
  const maxTokens = numberField(
    body,
    'max_tokens',
    (v) => isInt(v) && v >= 1 && v <= SAMPLING_LIMITS.maxTokens,
    intRule,
  );
  const maxCompletion = numberField(
    body,
    'max_completion_tokens',
    (v) => isInt(v) && v >= 1 && v <= SAMPLING_LIMITS.maxTokens,
    intRule,
  );
  const temperature = numberField(body, 'temperature', (v) => v >= 0 && v <= 2, 'a number from 0 to 2');
  const topP = numberField(body, 'top_p', (v) => v > 0 && v <= 1, 'greater than 0 and at most 1');
  const seed = numberField(
    body,
    'seed',
    (v) => isInt(v) && v >= 0 && v <= SAMPLING_LIMITS.seed,
    `an integer from 0 to ${SAMPLING_LIMITS.seed}`,
  );
  const topK = numberField(body, 'top_k', (v) => isInt(v) && v >= 0, 'an integer ≥ 0 (0 disables top-k)');
  const { min, max } = SAMPLING_LIMITS.repetitionPenalty;
  const repetitionPenalty = numberField(
    body,
    'repetition_penalty',
    (v) => v >= min && v <= max,
    `a number from ${min} to ${max}`,
  );
  for (const v of [maxTokens, maxCompletion, temperature, topP, seed, topK, repetitionPenalty])
    if (isError(v)) return fail(v);
  if (maxTokens !== undefined && maxCompletion !== undefined && maxTokens !== maxCompletion) {
    return fail(
      invalidRequest(
        "Give one of 'max_tokens' and 'max_completion_tokens' (they differ).",
        'max_completion_tokens',
        'invalid_value',
      ),
    );
  }

  const stop = present(body, 'stop') ? stopSequences(body.stop) : undefined;
  if (isError(stop)) return fail(stop);
  const format = present(body, 'response_format') ? responseFormat(body.response_format) : undefined;
  if (isError(format)) return fail(format);
  const tools = present(body, 'tools') ? toolList(body.tools) : undefined;
  if (isError(tools)) return fail(tools);
  const choice = present(body, 'tool_choice') ? toolChoice(body.tool_choice, tools) : undefined;
  if (isError(choice)) return fail(choice);

  const limit = (maxCompletion ?? maxTokens) as number | undefined;
  const request: GenerateRequest = {
    messages,
    ...(limit !== undefined && { maxTokens: limit }),
    // OpenAI's defaults, not the app's: temperature 1, no top-k, no top-p, no penalty.
    temperature: (temperature as number | undefined) ?? OPENAI_DEFAULTS.temperature,
    topP: (topP as number | undefined) ?? OPENAI_DEFAULTS.topP,
    topK: (topK as number | undefined) ?? OPENAI_DEFAULTS.topK,
    repetitionPenalty: (repetitionPenalty as number | undefined) ?? OPENAI_DEFAULTS.repetitionPenalty,
    ...(seed !== undefined && { seed: seed as number }),
    ...(stop && { stop }),
    ...(format && format.type !== 'text' && { responseFormat: format }),
    ...(tools?.length && { tools }),
    ...(choice !== undefined && { toolChoice: choice }),
  };
  return {
    ok: true,
    call: { request, stream, includeUsage, model: body.model, parseToolCalls: !!tools?.length && choice !== 'none' },
  };
}
