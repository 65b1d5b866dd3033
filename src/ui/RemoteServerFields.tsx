import { useAppStore } from '../state/hooks';
import { remoteSpec } from '../state/settings-slice';
import { useServices } from './services';

/**
 * The remote backend's settings: an OpenAI-compatible server (OpenAI, vLLM, llama.cpp's server, Ollama) for a
 * device too small for the model. Shown only when Backend is "Remote server"; nothing contacts the server until
 * Connect is clicked (or the saved choice reconnects on the next visit).
 */
export function RemoteServerFields() {
  const { bridge } = useServices();
  const settings = useAppStore((s) => s.settings);
  const settingsChanged = useAppStore((s) => s.settingsChanged);
  const loading = useAppStore((s) => s.model.status === 'loading');
  const spec = remoteSpec(settings);
  return (
    <div className="remote-server" role="group" aria-label="Remote server">
      <p className="field-help remote-warning">
        On this backend, what you type is sent to the server below. The model does not run on this device.
      </p>
      <div className="field">
        <label htmlFor="remote-base-url">Server base URL</label>
        <input
          id="remote-base-url"
          type="url"
          placeholder="http://localhost:8000/v1"
          value={settings.remoteBaseUrl}
          onChange={(e) => settingsChanged({ remoteBaseUrl: e.target.value })}
          spellCheck={false}
          autoCapitalize="off"
        />
      </div>
      <div className="field">
        <label htmlFor="remote-model">Server model</label>
        <input
          id="remote-model"
          type="text"
          placeholder="e.g. Qwen/Qwen3-8B"
          value={settings.remoteModel}
          onChange={(e) => settingsChanged({ remoteModel: e.target.value })}
          spellCheck={false}
          autoCapitalize="off"
        />
      </div>
      <div className="field">
        <label htmlFor="remote-api-key">API key (optional)</label>
        <input
          id="remote-api-key"
          type="password"
          autoComplete="off"
          value={settings.remoteApiKey}
          onChange={(e) => settingsChanged({ remoteApiKey: e.target.value })}
          aria-describedby="remote-api-key-help"
        />
        <small className="field-help" id="remote-api-key-help">
          Kept only in this browser&apos;s settings; never in the embed snippet or an export.
        </small>
      </div>
      <button type="button" disabled={loading || !spec} onClick={() => spec && void bridge.load(spec)}>
        Connect to server
      </button>
    </div>
  );
}
