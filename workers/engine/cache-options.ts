import type { GenerateRequest } from '../protocol';
import { EngineError } from './errors';

export interface CacheOptions {
  contextLimit: number | null;
  keepCacheMs: number;
  speculative: 'auto' | 'on' | 'off';
}

/** Kept caches are freed after five idle minutes unless the request says otherwise. */
export const DEFAULT_KEEP_CACHE_MS = 5 * 60_000;
const MAX_KEEP_CACHE_MS = 24 * 60 * 60_000;
const MIN_CONTEXT = 16;

function bad(message: string): EngineError {
  return new EngineError('InvalidParams', message);
}

/** Checks the KV-cache fields of a request (the sampling fields are `validateRequest`'s). */
export function validateCacheOptions(request: GenerateRequest, vocabSize: number): CacheOptions {
  const { contextLimit, keepCacheMs, speculative } = request;
  if (contextLimit !== undefined && !(Number.isInteger(contextLimit) && contextLimit >= MIN_CONTEXT)) {
    throw bad(`contextLimit must be an integer of at least ${MIN_CONTEXT} tokens (got ${String(contextLimit)}).`);
  }
  if (
    keepCacheMs !== undefined &&
    !(
      typeof keepCacheMs === 'number' &&
      Number.isFinite(keepCacheMs) &&
      keepCacheMs >= 0 &&
      keepCacheMs <= MAX_KEEP_CACHE_MS
    )
  ) {
    throw bad(`keepCacheMs must be from 0 to ${MAX_KEEP_CACHE_MS} milliseconds (got ${String(keepCacheMs)}).`);
  }
  if (speculative !== undefined && !['auto', 'on', 'off'].includes(speculative)) {
    throw bad(`speculative must be "auto", "on" or "off" (got ${JSON.stringify(speculative)}).`);
  }
  for (const [i, m] of (request.messages ?? []).entries()) {
    const ids = m?.tokenIds;
    if (ids === undefined) continue;
    if (m.role !== 'assistant') throw bad(`messages[${i}].tokenIds is only for assistant messages; remove it.`);
    if (
      !Array.isArray(ids) ||
      ids.some((id) => !Number.isInteger(id) || id < 0 || (vocabSize > 0 && id >= vocabSize))
    ) {
      throw bad(
        `messages[${i}].tokenIds must be token ids from 0 to ${vocabSize - 1} (the ids \`done.tokenIds\` gave). Drop them to send the text alone.`,
      );
    }
  }
  return {
    contextLimit: contextLimit ?? null,
    keepCacheMs: keepCacheMs ?? DEFAULT_KEEP_CACHE_MS,
    speculative: speculative ?? 'auto',
  };
}
