import type { BackendPreference } from '../../workers/protocol';
import { ModelManager } from '../pwa/ModelManager';
import { useAppStore } from '../state/hooks';
import { DisplaySettings } from './DisplaySettings';
import { ModelPicker } from './ModelPicker';
import { SamplingForm } from './SamplingForm';

export function SettingsPanel() {
  const settings = useAppStore((s) => s.settings);
  const settingsChanged = useAppStore((s) => s.settingsChanged);
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
      <DisplaySettings />
      <ModelPicker />
      <fieldset>
        <legend>Engine</legend>
        <div className="field">
          <label htmlFor="backend-select">Backend</label>
          <select
            id="backend-select"
            value={settings.backend}
            onChange={(e) => settingsChanged({ backend: e.target.value as BackendPreference })}
          >
            <option value="auto">Auto (WebGPU if available)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM</option>
          </select>
          <small className="field-help">Applies to the next model load.</small>
        </div>
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
      </fieldset>
      <ModelManager />
    </div>
  );
}
