import type { EngineApi, GenerateRequest, ModelSpec, StreamEvent } from '../../workers/protocol';

/**
 * The engine contract as one behaviour suite, run against the real worker engine in the browser
 * (e2e/engine-behaviour.spec.ts, through the `?harness` page) and against FakeEngine in Vitest
 * (fake-engine.test.ts), so the fake cannot drift from the real thing. Plain assertions, no test
 * framework: the same code runs in both places.
 */
export interface BehaviourSubject {
  engine: EngineApi;
  /** A small model the engine can load quickly. */
  spec: ModelSpec;
  /** A model whose files are not there (its config.json answers 404), or that a server does not serve. */
  missingSpec: ModelSpec;
  /** The error loading `missingSpec` ends with (default ModelFileMissing; a remote server's is RemoteRejected). */
  missingError?: string;
}

export interface BehaviourResult {
  name: string;
  ok: boolean;
  error?: string;
}

interface Behaviour {
  name: string;
  run(subject: BehaviourSubject): Promise<void>;
}

class BehaviourFailure extends Error {
  override readonly name = 'BehaviourFailure';
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BehaviourFailure(message);
}

async function rejectsWith(promise: Promise<unknown>, name: string, what: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const got = (error as { name?: string }).name;
    check(got === name, `${what}: expected ${name}, got ${got}: ${(error as Error).message}`);
    return;
  }
  throw new BehaviourFailure(`${what}: expected ${name}, but it succeeded`);
}

const ask = (maxTokens: number, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  messages: [{ role: 'user', content: 'Tell me a story.' }],
  maxTokens,
  temperature: 0,
  ...extra,
});

/** Reads a stream with timeouts, keeping an unanswered read for the next call (a read cannot be withdrawn). */
class EventReader {
  private pending: Promise<ReadableStreamReadResult<StreamEvent>> | null = null;
  readonly seen: StreamEvent[] = [];

  constructor(private readonly reader: ReadableStreamDefaultReader<StreamEvent>) {}

  /** The next event, null at the end of the stream, or 'timeout'. */
  async next(timeoutMs = 30_000): Promise<StreamEvent | null | 'timeout'> {
    this.pending ??= this.reader.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([this.pending, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return result;
    this.pending = null;
    if (result.done) return null;
    this.seen.push(result.value);
    return result.value;
  }

  async until(type: StreamEvent['type'], what: string): Promise<StreamEvent> {
    for (;;) {
      const event = await this.next();
      check(event !== 'timeout', `${what}: no ${type} event within 30 s`);
      check(event !== null, `${what}: the stream ended before ${type}`);
      if (event.type === type) return event;
    }
  }

  async rest(): Promise<StreamEvent[]> {
    for (;;) {
      const event = await this.next();
      check(event !== 'timeout', 'the stream did not end within 30 s');
      if (event === null) return this.seen;
    }
  }
}

async function ready({ engine, spec }: BehaviourSubject): Promise<void> {
  if ((await engine.status()).state !== 'ready') await engine.load(spec);
}

const tokensOf = (events: StreamEvent[]) => events.filter((e) => e.type === 'token');

/** The engine answers with the model it holds: a short generation runs to its token limit. */
async function usable({ engine }: BehaviourSubject, what: string): Promise<void> {
  const events = await new EventReader((await engine.generate(ask(3))).getReader()).rest();
  const done = events.at(-1);
  check(done?.type === 'done' && tokensOf(events).length === 3, `${what} generates (got ${JSON.stringify(done)})`);
}

export const ENGINE_BEHAVIOURS: readonly Behaviour[] = [
  {
    name: 'load resolves with the model it loaded, and the engine is ready',
    async run({ engine, spec }) {
      const result = await engine.load(spec);
      check(result.vocabSize > 0 && result.contextLength > 0, 'vocabSize and contextLength are positive');
      check(result.files.length > 0, 'the result lists the files the load read');
      check((await engine.status()).state === 'ready', 'state is ready after load');
    },
  },
  {
    name: 'a generation streams start, consecutive tokens and done, whose text is the tokens joined',
    async run(subject) {
      await ready(subject);
      const reader = new EventReader((await subject.engine.generate(ask(12))).getReader());
      const events = await reader.rest();
      check(events[0]?.type === 'start', 'the first event is start');
      const done = events.at(-1);
      check(done?.type === 'done', 'the last event is done');
      const tokens = tokensOf(events);
      check(
        tokens.every((t, i) => t.type === 'token' && t.index === i),
        'token indices are 0, 1, 2, ... without gaps',
      );
      check(tokens.length > 0 && tokens.length <= 12, `1 to 12 tokens (got ${tokens.length})`);
      check(
        done.stats.tokens === tokens.length,
        `done counts ${done.stats.tokens} tokens, stream had ${tokens.length}`,
      );
      check(done.reason === 'length' || done.reason === 'eos', `reason is length or eos (got ${done.reason})`);
      const joined = tokens.map((t) => (t.type === 'token' ? t.text : '')).join('');
      check(done.text === joined, 'done.text is the token texts joined');
    },
  },
  {
    name: 'start says how much of the prompt was reused and prefilled; done.tokenIds are the emitted ids',
    async run(subject) {
      await ready(subject);
      const events = await new EventReader((await subject.engine.generate(ask(6))).getReader()).rest();
      const start = events[0];
      const done = events.at(-1);
      check(start?.type === 'start' && done?.type === 'done', 'the stream has start and done');
      const { reusedTokens, prefilledTokens } = start;
      check(
        reusedTokens !== undefined &&
          prefilledTokens !== undefined &&
          reusedTokens + prefilledTokens === start.promptTokens &&
          prefilledTokens >= 1,
        `reused + prefilled = prompt tokens, at least one prefilled (got ${reusedTokens} + ${prefilledTokens} of ${start.promptTokens})`,
      );
      const ids = tokensOf(events).map((t) => (t.type === 'token' ? t.id : -1));
      check(
        done.reason === 'eos'
          ? JSON.stringify(done.tokenIds) === JSON.stringify(ids.slice(0, -1))
          : JSON.stringify(done.tokenIds) === JSON.stringify(ids),
        'done.tokenIds are the token ids (EOS excluded)',
      );
    },
  },
  {
    name: 'out-of-range parameters are InvalidParams, before any stream',
    async run(subject) {
      await ready(subject);
      await rejectsWith(subject.engine.generate(ask(0)), 'InvalidParams', 'maxTokens 0');
      await rejectsWith(subject.engine.generate(ask(4, { topP: 2 })), 'InvalidParams', 'topP 2');
    },
  },
  {
    name: 'a JSON-schema response format gives text that parses and has the required fields; a bad schema is InvalidSchema',
    async run(subject) {
      await ready(subject);
      const schema = {
        type: 'object',
        properties: { ok: { type: 'boolean' }, n: { type: 'integer', minimum: 0, maximum: 9 } },
        required: ['ok', 'n'],
        additionalProperties: false,
      };
      const request = ask(40, { responseFormat: { type: 'json_schema', schema }, temperature: 1, seed: 1 });
      const events = await new EventReader((await subject.engine.generate(request)).getReader()).rest();
      const done = events.at(-1);
      check(done?.type === 'done', 'the stream ends with done');
      check(done.reason === 'eos', `the grammar ends the run (reason ${done.reason})`);
      let value: unknown;
      try {
        value = JSON.parse(done.text);
      } catch {
        throw new BehaviourFailure(`done.text is not JSON: ${done.text}`);
      }
      const v = value as { ok?: unknown; n?: unknown };
      check(typeof v.ok === 'boolean' && Number.isInteger(v.n), `required fields with their types: ${done.text}`);
      const bad = ask(4, { responseFormat: { type: 'json_schema', schema: { type: 'strnig' } } });
      await rejectsWith(subject.engine.generate(bad), 'InvalidSchema', 'type "strnig"');
    },
  },
  {
    name: 'a second generate while one runs is EngineBusy; the first is unharmed',
    async run(subject) {
      await ready(subject);
      const reader = new EventReader((await subject.engine.generate(ask(200))).getReader());
      await reader.until('token', 'first run');
      await rejectsWith(subject.engine.generate(ask(4)), 'EngineBusy', 'second generate');
      await subject.engine.stop();
      const done = (await reader.rest()).at(-1);
      check(done?.type === 'done' && done.reason === 'stopped', 'the first run ends stopped');
    },
  },
  {
    name: 'pause lands between tokens: no token and no forward pass until resume',
    async run(subject) {
      const { engine } = subject;
      await ready(subject);
      const reader = new EventReader((await engine.generate(ask(200))).getReader());
      await reader.until('token', 'before pause');
      await reader.until('token', 'before pause');
      await engine.pause();
      const paused = await reader.until('paused', 'after pause');
      check((await engine.status()).state === 'paused', 'state is paused');
      // A paused page shows the last stats: they must count every token before the pause, not 250 ms ago's.
      const before = reader.seen.slice(0, reader.seen.indexOf(paused));
      const lastStats = before.findLast((e) => e.type === 'stats');
      check(
        before.at(-1)?.type === 'stats' &&
          lastStats?.type === 'stats' &&
          lastStats.stats.tokens === tokensOf(before).length,
        `stats counting every token (${tokensOf(before).length}) come just before paused (got ${JSON.stringify(lastStats)})`,
      );
      const passes = (await engine.status()).forwardPasses;
      const quiet = await reader.next(400);
      check(quiet === 'timeout', `nothing follows paused until resume (got ${JSON.stringify(quiet)})`);
      check((await engine.status()).forwardPasses === passes, 'no forward pass runs while paused');
      await engine.resume();
      const resumed = await reader.next();
      check(resumed !== 'timeout' && resumed?.type === 'resumed', 'resumed is the first event after resume');
      await reader.until('token', 'after resume');
      await engine.stop();
      const events = await reader.rest();
      const tokens = tokensOf(events);
      check(
        tokens.every((t, i) => t.type === 'token' && t.index === i),
        'token indices stay consecutive across the pause',
      );
      const done = events.at(-1);
      check(done?.type === 'done' && done.reason === 'stopped', 'stop ends the run with done{stopped}');
      check(done.stats.pausedMs >= 0, 'stats report paused time');
    },
  },
  {
    name: 'stop while paused ends the run at once with done{stopped}, keeping the text',
    async run(subject) {
      const { engine } = subject;
      await ready(subject);
      const reader = new EventReader((await engine.generate(ask(200))).getReader());
      await reader.until('token', 'before pause');
      await engine.pause();
      await reader.until('paused', 'after pause');
      await engine.stop();
      const events = await reader.rest();
      const done = events.at(-1);
      check(done?.type === 'done' && done.reason === 'stopped', 'done{stopped}');
      const joined = tokensOf(events)
        .map((t) => (t.type === 'token' ? t.text : ''))
        .join('');
      check(done.text === joined, 'the stopped text is what streamed');
      check((await engine.status()).state === 'ready', 'ready again after stop');
    },
  },
  {
    name: 'the newest load wins: the older one ends with LoadCancelled',
    async run({ engine, spec }) {
      const first = engine.load(spec);
      const second = engine.load(spec);
      await rejectsWith(first, 'LoadCancelled', 'the older load');
      const result = await second;
      check(result.vocabSize > 0, 'the newer load resolves');
      check((await engine.status()).state === 'ready', 'ready after the newer load');
    },
  },
  {
    name: 'stop during a load cancels it with LoadCancelled and leaves no half-loaded model',
    async run(subject) {
      const { engine, spec } = subject;
      await engine.unload();
      const loading = engine.load(spec);
      await engine.stop();
      await rejectsWith(loading, 'LoadCancelled', 'the stopped load');
      const status = await engine.status();
      check(status.model === null && status.state === 'idle', 'no half-loaded model');
      // With a model loaded before, the stop leaves either that model, whole and usable, or none.
      await ready(subject);
      const again = engine.load(spec);
      await engine.stop();
      await rejectsWith(again, 'LoadCancelled', 'the second stopped load');
      const after = await engine.status();
      check(after.state === (after.model ? 'ready' : 'idle'), `state ${after.state} matches the model held`);
      if (after.model) await usable(subject, 'the model kept after the stopped load');
    },
  },
  {
    name: 'a load that fails before its weights leaves the model before it loaded and usable',
    async run(subject) {
      const { engine, missingSpec, missingError = 'ModelFileMissing' } = subject;
      await ready(subject);
      const before = (await engine.status()).model;
      await rejectsWith(engine.load(missingSpec), missingError, 'the load of a model with no files');
      const after = await engine.status();
      check(after.state === 'ready', `ready after the failed load (got ${after.state})`);
      check(after.model?.modelId === before?.modelId, `the model before is still loaded (got ${after.model?.modelId})`);
      await usable(subject, 'the model kept after the failed load');
    },
  },
  {
    name: 'generate without a model is ModelNotLoaded',
    async run(subject) {
      await ready(subject);
      await subject.engine.unload();
      await rejectsWith(subject.engine.generate(ask(4)), 'ModelNotLoaded', 'generate after unload');
    },
  },
];

/** Runs every behaviour (or those named in `only`) in order, one at a time; never rejects. */
export async function runEngineBehaviour(
  subject: BehaviourSubject,
  only?: readonly string[],
): Promise<BehaviourResult[]> {
  const results: BehaviourResult[] = [];
  for (const behaviour of ENGINE_BEHAVIOURS) {
    if (only && !only.includes(behaviour.name)) continue;
    try {
      await behaviour.run(subject);
      results.push({ name: behaviour.name, ok: true });
    } catch (error) {
      const e = error as Error;
      results.push({ name: behaviour.name, ok: false, error: `${e.name}: ${e.message}` });
      // Leave the engine idle for the next behaviour.
      await subject.engine.stop().catch(() => {});
    }
  }
  return results;
}
