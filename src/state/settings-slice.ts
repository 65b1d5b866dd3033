import type { BackendPreference } from '../../workers/protocol';
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
  backend: BackendPreference;
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

export const DEFAULT_SETTINGS: Settings = {
  systemPrompt: 'You are a helpful assistant.',
  sampling: DEFAULT_SAMPLING_DRAFT,
  hubHost: DEFAULT_HUB_HOST,
  backend: 'auto',
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
