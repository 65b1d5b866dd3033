import type { BackendPreference, ModelSpec } from '../../workers/protocol';
import type { PacingMode } from '../streams/token-bucket';
import { DEFAULT_SAMPLING_DRAFT, type SamplingDraft, type SamplingField } from './sampling';
import type { SliceCreator } from './store-types';

import { DEFAULT_HUB_HOST } from '../../common/hub';

export { DEFAULT_HUB_HOST };

export interface Settings {
  systemPrompt: string;
  sampling: SamplingDraft;
  /** Where Hub model ids are fetched from; tests point it at a local mock. */
  hubHost: string;
  /** `remote`: answers stream from the OpenAI-compatible server below instead of a model in this browser. */
  backend: BackendSetting;
  /** The remote server's base URL (ending at `/v1`), its model name, and an optional API key. */
  remoteBaseUrl: string;
  remoteModel: string;
  /**
   * Kept only with this browser's settings (IndexedDB, this origin); never in a model spec, an event, a log,
   * an export or the embed snippet. The remote engine asks for it when it sends a request.
   */
  remoteApiKey: string;
  /** Comma-separated words or /regex/ entries shown as █ (display and transcript export only). */
  redactWords: string;
  normalizeWhitespace: boolean;
  /** Typewriter pacing of the display; the engine runs at full speed either way. */
  pacing: PacingMode;
  /** Chars per second for `pacing: 'custom'`, as typed. */
  pacingCharsPerSecond: string;
  /** Logs bridge and engine events to the console (also on with `?debug`). */
  debug: boolean;
  /** Context tokens a chat may use, as typed; empty = the model's whole context. Bounds the KV cache. */
  contextLimit: string;
  /** Prompt-lookup speculative decoding (greedy only); `auto` follows the measured break-even per backend. */
  speculative: 'auto' | 'on' | 'off';
  /** How long the engine keeps a chat's KV cache for the next turn (ms); 0 frees it after every answer. */
  keepCacheMs: number;
  /** Structured output: a JSON schema as typed (empty = free text); answers are constrained to it. */
  responseSchema: string;
  /** Reasoning models (Qwen3): think before answering; off passes `enable_thinking: false` to the template. */
  enableThinking: boolean;
}

export type BackendSetting = BackendPreference | 'remote';

/** The backend local models load with: `remote` is not one, so they pick their own. */
export function localBackend(setting: BackendSetting): BackendPreference {
  return setting === 'remote' ? 'auto' : setting;
}

/** The remote server the settings name, or null while its URL or model is missing. */
export function remoteSpec(settings: Pick<Settings, 'remoteBaseUrl' | 'remoteModel'>): ModelSpec | null {
  const baseUrl = settings.remoteBaseUrl.trim();
  const model = settings.remoteModel.trim();
  return baseUrl && model ? { source: { kind: 'remote', baseUrl, model } } : null;
}

export const DEFAULT_SETTINGS: Settings = {
  systemPrompt: 'You are a helpful assistant.',
  sampling: DEFAULT_SAMPLING_DRAFT,
  hubHost: DEFAULT_HUB_HOST,
  backend: 'auto',
  remoteBaseUrl: '',
  remoteModel: '',
  remoteApiKey: '',
  redactWords: '',
  normalizeWhitespace: false,
  pacing: 'off',
  pacingCharsPerSecond: '80',
  debug: false,
  contextLimit: '',
  speculative: 'auto',
  keepCacheMs: 5 * 60_000,
  responseSchema: '',
  enableThinking: true,
};

export interface SettingsSlice {
  settings: Settings;
  settingsChanged(patch: Partial<Omit<Settings, 'sampling'>>): void;
  samplingChanged(field: SamplingField, value: string): void;
  settingsHydrated(saved: Partial<Settings>): void;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set) => ({
  settings: DEFAULT_SETTINGS,
  settingsChanged: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  samplingChanged: (field, value) =>
    set((s) => ({ settings: { ...s.settings, sampling: { ...s.settings.sampling, [field]: value } } })),
  settingsHydrated: (saved) =>
    set((s) => ({
      settings: { ...s.settings, ...saved, sampling: { ...s.settings.sampling, ...(saved.sampling ?? {}) } },
    })),
});
