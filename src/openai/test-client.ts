import OpenAI from 'openai';
import type { GenerateRequest } from '../../workers/protocol';
import { FakeEngine, type FakeEngineOptions } from '../engine/fake-engine';
import { createOpenAiFetch } from './fetch';

/** The in-page OpenAI fetch over a FakeEngine, driven by the official client (unmodified, our function as its fetch). */
export const MODEL = 'test/model';

export async function setup(options: FakeEngineOptions = {}, load = true) {
  const engine = new FakeEngine({ tokenIntervalMs: 1, ...options });
  if (load) await engine.load({ source: { kind: 'hub', id: MODEL } });
  const inner = createOpenAiFetch({ engine, now: () => 1_700_000_000 });
  const requests: string[] = [];
  // The official client, unmodified, with our function as its fetch.
  const client = new OpenAI({
    baseURL: 'http://typewriter.local/v1',
    apiKey: 'local',
    fetch: (input, init) => {
      requests.push(String(input));
      return inner(input, init);
    },
  });
  const generated = () => engine.calls.filter((c) => c.method === 'generate').map((c) => c.arg as GenerateRequest);
  return { engine, client, requests, generated };
}

export const SCRIPT = ['Hel', 'lo', ' wor', 'ld', '!'];
export const user = [{ role: 'user' as const, content: 'Hi' }];
