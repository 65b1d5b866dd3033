import type { EngineApi } from '../../workers/protocol';
import { createOpenAiFetch, type FetchLike } from './fetch';

/** What the app puts on `window.typewriter`: the OpenAI-compatible `fetch` over the page's one engine. */
export interface TypewriterPageApi {
  fetch: FetchLike;
}

type CrashWatch = (listener: (error: Error) => void) => () => void;

/** The page's API over its engine; a worker engine's crash ends a running request with an error instead of a hang. */
export function createPageApi(engine: EngineApi): TypewriterPageApi {
  const watch = (engine as { onCrash?: CrashWatch }).onCrash;
  const onCrash: CrashWatch | undefined = watch && ((listener) => watch.call(engine, listener));
  return { fetch: createOpenAiFetch({ engine, ...(onCrash && { onCrash }) }) };
}
