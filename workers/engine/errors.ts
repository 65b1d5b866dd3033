import { isEngineErrorName, type EngineErrorName } from '../../common/error-names';

/**
 * Every failure the engine reports is one of these. Only `name` and `message`
 * survive Comlink and the stream, so the message alone must say what failed,
 * which file or limit was involved, and what the user can do.
 */
export class EngineError extends Error {
  declare readonly name: EngineErrorName;

  constructor(name: EngineErrorName, message: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: name, enumerable: true });
  }
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof Error && isEngineErrorName(error.name);
}

/** Wraps anything thrown by a library into a named error, keeping its words. */
export function toEngineError(error: unknown, fallback: EngineErrorName, context: string): EngineError {
  if (isEngineError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new EngineError(fallback, `${context}: ${detail}`);
}
