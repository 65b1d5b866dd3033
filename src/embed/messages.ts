import type { EmbedChatMessage, EmbedGenerateOptions, HostMessage, WidgetMessage, WidgetMessageType } from './protocol';
import { checkOptionValues, checkTextSize, wellFormed } from './values';

/** Structural checks for messages crossing the iframe boundary, shared by the widget and the SDK. */

/**
 * `invalidId` is set when a generate command was well addressed (a valid id) but its values are not: the widget
 * answers it with `typewriter:error {id, name: 'InvalidParams'}` instead of ignoring it.
 */
export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string; invalidId?: string };

const ID = /^[\w.:-]{1,128}$/;
/** An API request body: a conversation (SAMPLING_LIMITS.conversationChars) plus its JSON (tools, schemas). */
export const MAX_FETCH_BODY = 4_000_000;
/** `/v1/` and URL-safe segments (model ids arrive percent-encoded); no `.` or `..` segments. */
const API_PATH = /^\/v1(?:\/(?!\.\.?(?:\/|$))[\w.%~-]+){1,8}\/?$/;
/** Response headers the widget forwards to the SDK's `fetch`. */
export const FORWARDED_HEADERS = ['content-type', 'x-request-id', 'x-should-retry'] as const;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function checkEnvelope(data: unknown, prefix = 'typewriter:'): Parsed<Json> {
  if (!isRecord(data)) return fail(`not an object (got ${data === null ? 'null' : typeof data})`);
  if (typeof data.type !== 'string' || !data.type.startsWith(prefix)) return fail('type is not a typewriter:* string');
  if (data.v !== 1)
    return fail(`unsupported protocol version v=${JSON.stringify(data.v) ?? 'undefined'} (this widget speaks v=1)`);
  return { ok: true, message: data };
}

function checkMessages(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return 'messages must be a non-empty array';
  for (const m of value) {
    if (!isRecord(m)) return 'each message must be an object';
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant')
      return 'message role must be system|user|assistant';
    if (typeof m.content !== 'string') return 'message content must be a string';
  }
  return null;
}

const NUMBER_OPTIONS = ['maxTokens', 'temperature', 'topK', 'topP', 'seed', 'repetitionPenalty'] as const;

/** Only shape is checked here: the engine validates ranges and answers with a named InvalidParams error. */
function checkOptions(value: unknown): string | null {
  if (value === undefined) return null;
  if (!isRecord(value)) return 'options must be an object';
  for (const key of NUMBER_OPTIONS) {
    const v = value[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v)))
      return `options.${key} must be a finite number`;
  }
  if (value.system !== undefined && typeof value.system !== 'string') return 'options.system must be a string';
  const stop = value.stop;
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string'))) {
    return 'options.stop must be an array of strings';
  }
  return null;
}

function pickOptions(value: Json | undefined): EmbedGenerateOptions | undefined {
  if (!value) return undefined;
  const out: EmbedGenerateOptions = {};
  for (const key of NUMBER_OPTIONS) if (typeof value[key] === 'number') out[key] = value[key];
  if (typeof value.system === 'string') out.system = wellFormed(value.system);
  if (Array.isArray(value.stop)) out.stop = (value.stop as string[]).map(wellFormed);
  return out;
}

/** Validates a host → widget message and copies only the known fields. */
export function parseHostMessage(data: unknown): Parsed<HostMessage> {
  const envelope = checkEnvelope(data);
  if (!envelope.ok) return envelope;
  const m = envelope.message;
  const v = 1 as const;
  switch (m.type) {
    case 'typewriter:generate': {
      if (typeof m.id !== 'string' || !ID.test(m.id))
        return fail('generate needs an id of 1-128 letters, digits or ._:-');
      const invalid = (reason: string) => ({ ok: false as const, reason, invalidId: m.id as string });
      const optionsError = checkOptions(m.options) ?? (m.options ? checkOptionValues(m.options as Json) : null);
      if (optionsError) return invalid(optionsError);
      const options = pickOptions(m.options as Json | undefined);
      const hasPrompt = m.prompt !== undefined;
      if (hasPrompt === (m.messages !== undefined)) return invalid('generate needs exactly one of prompt and messages');
      if (hasPrompt) {
        if (typeof m.prompt !== 'string') return invalid('prompt must be a string');
        const sizeError = checkTextSize([m.prompt], 'prompt');
        if (sizeError) return invalid(sizeError);
        const prompt = wellFormed(m.prompt);
        return { ok: true, message: { v, type: m.type, id: m.id, prompt, ...(options && { options }) } };
      }
      const messagesError = checkMessages(m.messages);
      if (messagesError) return invalid(messagesError);
      const given = m.messages as EmbedChatMessage[];
      const sizeError = checkTextSize(
        given.map((x) => x.content),
        'messages',
      );
      if (sizeError) return invalid(sizeError);
      const messages = given.map(({ role, content }) => ({ role, content: wellFormed(content) }));
      return { ok: true, message: { v, type: m.type, id: m.id, messages, ...(options && { options }) } };
    }
    case 'typewriter:pause':
    case 'typewriter:resume':
    case 'typewriter:stop':
      if (typeof m.id !== 'string' || !ID.test(m.id)) return fail(`${m.type} needs the id of the generation`);
      return { ok: true, message: { v, type: m.type, id: m.id } };
    case 'typewriter:load': {
      if (typeof m.model !== 'string' || m.model.length === 0) return fail('load needs a model (a Hub id or "demo")');
      const backend = m.backend;
      if (backend !== undefined && backend !== 'auto' && backend !== 'webgpu' && backend !== 'wasm') {
        return fail('load backend must be auto|webgpu|wasm');
      }
      if (m.id !== undefined && (typeof m.id !== 'string' || !ID.test(m.id)))
        return fail('load id must be a short string');
      return {
        ok: true,
        message: {
          v,
          type: m.type,
          model: m.model,
          ...(backend && { backend }),
          ...(m.id !== undefined && { id: m.id }),
        },
      };
    }
    case 'typewriter:fetch': {
      if (typeof m.id !== 'string' || !ID.test(m.id)) return fail('fetch needs an id of 1-128 letters, digits or ._:-');
      // Well addressed but bad: answered (InvalidParams), so the host's fetch settles.
      const invalid = (reason: string) => ({ ok: false as const, reason, invalidId: m.id as string });
      if (m.method !== 'GET' && m.method !== 'POST') return invalid('fetch method must be GET or POST');
      if (typeof m.path !== 'string' || !API_PATH.test(m.path)) return invalid('fetch path must be /v1/...');
      if (m.body !== undefined && (typeof m.body !== 'string' || m.body.length > MAX_FETCH_BODY)) {
        return invalid(`fetch body must be a string of at most ${MAX_FETCH_BODY} characters`);
      }
      const body = m.body as string | undefined;
      return {
        ok: true,
        message: { v, type: m.type, id: m.id, method: m.method, path: m.path, ...(body !== undefined && { body }) },
      };
    }
    case 'typewriter:fetch-abort':
      if (typeof m.id !== 'string' || !ID.test(m.id)) return fail('fetch-abort needs the id of the fetch');
      return { ok: true, message: { v, type: m.type, id: m.id } };
    default:
      return fail(`unknown message type ${JSON.stringify(m.type)}`);
  }
}

const WIDGET_TYPES: ReadonlySet<string> = new Set<WidgetMessageType>([
  'typewriter:ready',
  'typewriter:progress',
  'typewriter:token',
  'typewriter:stats',
  'typewriter:done',
  'typewriter:error',
  'typewriter:resize',
  'typewriter:response',
  'typewriter:response-chunk',
  'typewriter:response-end',
]);

/** The SDK's check of widget → host messages: the envelope and the fields it reads. */
export function parseWidgetMessage(data: unknown): Parsed<WidgetMessage> {
  const envelope = checkEnvelope(data);
  if (!envelope.ok) return envelope;
  const m = envelope.message;
  if (!WIDGET_TYPES.has(m.type as string)) return fail(`unknown message type ${JSON.stringify(m.type)}`);
  const needsId =
    m.type === 'typewriter:token' ||
    m.type === 'typewriter:stats' ||
    m.type === 'typewriter:done' ||
    String(m.type).startsWith('typewriter:response');
  if (needsId && typeof m.id !== 'string') return fail(`${String(m.type)} without an id`);
  if (m.type === 'typewriter:token' && (typeof m.text !== 'string' || typeof m.index !== 'number')) {
    return fail('token needs text and index');
  }
  if (m.type === 'typewriter:done' && typeof m.text !== 'string') return fail('done needs text');
  if (m.type === 'typewriter:response') {
    const headers = m.headers;
    if (typeof m.status !== 'number' || !Number.isInteger(m.status) || m.status < 200 || m.status > 599) {
      return fail('response needs an HTTP status');
    }
    if (!isRecord(headers) || Object.values(headers).some((h) => typeof h !== 'string')) {
      return fail('response headers must be strings');
    }
  }
  if (m.type === 'typewriter:response-chunk' && typeof m.text !== 'string') return fail('response-chunk needs text');
  if (m.type === 'typewriter:resize' && (typeof m.height !== 'number' || !Number.isFinite(m.height))) {
    return fail('resize needs a finite height');
  }
  return { ok: true, message: m as unknown as WidgetMessage };
}
