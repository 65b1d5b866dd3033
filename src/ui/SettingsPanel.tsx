import { ModelManager } from '../pwa/ModelManager';
import { parseContextLimit } from '../state/context-window';
import { parseResponseSchema } from '../state/response-format';
import { useAppStore } from '../state/hooks';
import type { BackendSetting, Settings } from '../state/settings-slice';
import { DisplaySettings } from './DisplaySettings';
import { ModelPicker } from './ModelPicker';
import { RemoteServerFields } from './RemoteServerFields';
import { SamplingForm } from './SamplingForm';

export function SettingsPanel() {
  const settings = useAppStore((s) => s.settings);
  const settingsChanged = useAppStore((s) => s.settingsChanged);
  const contextError = parseContextLimit(settings.contextLimit).error;
  const schemaError = parseResponseSchema(settings.responseSchema).error;
  return (
    <div className="settings">
      <div className="field">
        <label htmlFor="system-prompt">System prompt</label>
        <textarea
          id="system-prompt"
          rows={3}
          value={settings.systemPrompt}
          onChange={(e) => settingsChanged({ systemPrompt: e.target.value })}
        />
      </div>
      <SamplingForm />
      <div className="field">
        <label htmlFor="response-schema">JSON schema (structured output)</label>
        <textarea
          id="response-schema"
          rows={4}
          value={settings.responseSchema}
          placeholder='{"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}'
          onChange={(e) => settingsChanged({ responseSchema: e.target.value })}
          spellCheck={false}
          aria-invalid={schemaError ? true : undefined}
          aria-describedby="response-schema-help"
        />
        <small className="field-help" id="response-schema-help">
          {schemaError ??
            'Answers are constrained to this schema token by token (empty: free text). The JSON view shows the object as it grows.'}
        </small>
      </div>
      <DisplaySettings />
      <ModelPicker />
      <fieldset>
        <legend>Engine</legend>
        <div className="field">
          <label htmlFor="backend-select">Backend</label>
          <select
            id="backend-select"
            value={settings.backend}
            onChange={(e) => settingsChanged({ backend: e.target.value as BackendSetting })}
          >
            <option value="auto">Auto (WebGPU if available)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM</option>
            <option value="remote">Remote server (OpenAI-compatible)</option>
          </select>
          <small className="field-help">Applies to the next model load.</small>
        </div>
        {settings.backend === 'remote' && <RemoteServerFields />}
        <div className="field">
          <label htmlFor="hub-host">Model host</label>
          <input
            id="hub-host"
            type="url"
            value={settings.hubHost}
            onChange={(e) => settingsChanged({ hubHost: e.target.value })}
            spellCheck={false}
          />
          <small className="field-help">Where Hub model ids are downloaded from.</small>
        </div>
        <div className="field">
          <label htmlFor="context-limit">Context tokens</label>
          <input
            id="context-limit"
            inputMode="numeric"
            value={settings.contextLimit}
            placeholder="model's own"
            onChange={(e) => settingsChanged({ contextLimit: e.target.value })}
            aria-invalid={contextError ? true : undefined}
            aria-describedby="context-limit-help"
          />
          <small className="field-help" id="context-limit-help">
            {contextError ??
              'Caps the context a chat uses (and the memory its cache takes); older turns are left out past it.'}
          </small>
        </div>
        <div className="field">
          <label htmlFor="keep-cache-select">Keep the chat's cache</label>
          <select
            id="keep-cache-select"
            value={String(settings.keepCacheMs)}
            onChange={(e) => settingsChanged({ keepCacheMs: Number(e.target.value) })}
          >
            <option value={String(60_000)}>1 minute idle</option>
            <option value={String(5 * 60_000)}>5 minutes idle</option>
            <option value={String(30 * 60_000)}>30 minutes idle</option>
            <option value="0">Free after every answer</option>
          </select>
          <small className="field-help">
            The next turn reuses it and prefills only the new message; freeing it returns the memory sooner.
          </small>
        </div>
        <div className="field">
          <label htmlFor="speculative-select">Speculative decoding</label>
          <select
            id="speculative-select"
            value={settings.speculative}
            onChange={(e) => settingsChanged({ speculative: e.target.value as Settings['speculative'] })}
          >
            <option value="auto">Auto (where it measured faster)</option>
            <option value="on">On</option>
            <option value="off">Off</option>
          </select>
          <small className="field-help">
            Prompt lookup, for greedy decoding (temperature 0): same text, fewer passes when the answer copies the
            prompt.
          </small>
        </div>
        <div className="field field-check">
          <input
            id="enable-thinking"
            type="checkbox"
            checked={settings.enableThinking}
            onChange={(e) => settingsChanged({ enableThinking: e.target.checked })}
            aria-describedby="thinking-help"
          />
          <label htmlFor="enable-thinking">Thinking (reasoning models)</label>
        </div>
        <small className="field-help" id="thinking-help">
          Qwen3 thinks before it answers (shown collapsed under Thinking). Off asks the chat template to skip it (
          <code>enable_thinking</code>); models whose template has no such switch are not affected.
        </small>
      </fieldset>
      <ModelManager />
    </div>
  );
}
