import { isHubId } from '../../../common/hub';
import type { ModelSpec } from '../../../workers/protocol';
import { bundledSpec } from '../../catalog';
import { InvalidOrigin, parseOrigin, parseOriginList } from '../origins';
import type { EmbedTheme } from '../protocol';

/** The widget's settings, all from its URL (`/?embed&model=…&prompt=…`). */
export interface WidgetConfig {
  model: string;
  /** Hub host override (tests, mirrors); null means huggingface.co. */
  hubHost: string | null;
  system: string | null;
  prompt: string | null;
  autostart: boolean;
  maxTokens: number | null;
  temperature: number | null;
  theme: EmbedTheme;
  /** null: only the widget's own origin may send commands. */
  allowedOrigins: string[] | null;
  /** Whether the user gets a Message box in the widget. */
  input: boolean;
}

export interface ConfigProblem {
  param: string;
  message: string;
}

export type ConfigResult = { ok: true; config: WidgetConfig } | { ok: false; problems: ConfigProblem[] };

export const DEMO_MODEL = 'demo';
/** Mirrors the engine's limits (workers/engine/validate.ts) so a bad URL fails before the model downloads. */
const LIMITS = { maxTokens: 100_000, temperature: 5, text: 20_000 } as const;

export const WIDGET_PARAMS = [
  'model',
  'host',
  'system',
  'prompt',
  'autostart',
  'maxTokens',
  'temperature',
  'theme',
  'allowedOrigins',
  'input',
] as const;

function parseBoolean(raw: string): boolean | null {
  if (raw === '' || raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  return null;
}

/** Reads and validates every parameter; collects all problems so the message lists them at once. */
export function parseWidgetParams(search: URLSearchParams): ConfigResult {
  const problems: ConfigProblem[] = [];
  const problem = (param: string, message: string) => problems.push({ param, message });
  const get = (name: string) => search.get(name);

  const model = get('model')?.trim() || DEMO_MODEL;
  if (model !== DEMO_MODEL && !isHubId(model)) {
    problem('model', `"${model}" is neither "demo" nor a Hub repo id like HuggingFaceTB/SmolLM2-135M-Instruct.`);
  }

  let hubHost: string | null = null;
  const host = get('host');
  if (host !== null) {
    try {
      hubHost = parseOrigin(host);
    } catch (error) {
      problem('host', error instanceof InvalidOrigin ? error.message : `"${host}" is not an origin.`);
    }
  }

  const text = (name: string): string | null => {
    const value = get(name);
    if (value === null) return null;
    if (value.length > LIMITS.text) problem(name, `is ${value.length} characters; the limit is ${LIMITS.text}.`);
    return value;
  };
  const system = text('system');
  const prompt = text('prompt');

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = get(name);
    if (raw === null) return fallback;
    const value = parseBoolean(raw.trim().toLowerCase());
    if (value === null) problem(name, `must be true or false (got "${raw}").`);
    return value ?? fallback;
  };
  const autostart = flag('autostart', false);
  const input = flag('input', true);
  if (autostart && !prompt) problem('autostart', 'needs a prompt parameter to start with.');

  const number = (name: string, min: number, max: number, integer: boolean): number | null => {
    const raw = get(name);
    if (raw === null) return null;
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      problem(name, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}").`);
      return null;
    }
    return value;
  };
  const maxTokens = number('maxTokens', 1, LIMITS.maxTokens, true);
  const temperature = number('temperature', 0, LIMITS.temperature, false);

  const rawTheme = get('theme') ?? 'auto';
  const theme: EmbedTheme = rawTheme === 'light' || rawTheme === 'dark' || rawTheme === 'auto' ? rawTheme : 'auto';
  if (theme !== rawTheme) problem('theme', `must be light, dark or auto (got "${rawTheme}").`);

  let allowedOrigins: string[] | null = null;
  const rawOrigins = get('allowedOrigins');
  if (rawOrigins !== null) {
    try {
      allowedOrigins = parseOriginList(rawOrigins);
    } catch (error) {
      problem('allowedOrigins', error instanceof InvalidOrigin ? error.message : 'is not a list of origins.');
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: { model, hubHost, system, prompt, autostart, maxTokens, temperature, theme, allowedOrigins, input },
  };
}

/** The engine's spec for a widget model name. */
export function modelSpecFor(model: string, hubHost: string | null, backend: ModelSpec['backend'] = 'auto'): ModelSpec {
  if (model === DEMO_MODEL) return bundledSpec(backend);
  return { source: { kind: 'hub', id: model, ...(hubHost && { host: hubHost }) }, backend };
}

export function isValidModelName(model: string): boolean {
  return model === DEMO_MODEL || isHubId(model);
}
