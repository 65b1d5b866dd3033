import { parseRedaction } from '../streams/filters';
import { CALM_CHARS_PER_SECOND, type PacingMode } from '../streams/token-bucket';
import { useAppStore } from '../state/hooks';

/** How answers are shown: redaction, whitespace, typewriter pacing and the debug log. Saved with the other settings. */
export function DisplaySettings() {
  const settings = useAppStore((s) => s.settings);
  const settingsChanged = useAppStore((s) => s.settingsChanged);
  const redactErrors = parseRedaction(settings.redactWords).errors;
  const custom = Number(settings.pacingCharsPerSecond);
  const customInvalid = settings.pacing === 'custom' && !(Number.isFinite(custom) && custom > 0);
  return (
    <fieldset>
      <legend>Display</legend>
      <div className="field">
        <label htmlFor="redact-words">Redact words</label>
        <input
          id="redact-words"
          type="text"
          value={settings.redactWords}
          onChange={(e) => settingsChanged({ redactWords: e.target.value })}
          spellCheck={false}
          aria-invalid={redactErrors.length ? true : undefined}
          aria-describedby="redact-words-help"
        />
        <small id="redact-words-help" className={redactErrors.length ? 'field-error' : 'field-help'}>
          {redactErrors[0] ?? 'Comma-separated; /regex/ allowed. Shown as █ on screen and in the SSE export.'}
        </small>
      </div>
      <div className="field field-check">
        <input
          id="normalize-whitespace"
          type="checkbox"
          checked={settings.normalizeWhitespace}
          onChange={(e) => settingsChanged({ normalizeWhitespace: e.target.checked })}
        />
        <label htmlFor="normalize-whitespace">Normalise whitespace</label>
      </div>
      <div className="field">
        <label htmlFor="pacing-select">Pacing</label>
        <select
          id="pacing-select"
          value={settings.pacing}
          onChange={(e) => settingsChanged({ pacing: e.target.value as PacingMode })}
        >
          <option value="off">Off</option>
          <option value="calm">Calm ({CALM_CHARS_PER_SECOND} chars/s)</option>
          <option value="custom">Custom</option>
        </select>
        <small className="field-help">Smooths how fast text appears; the model still runs at full speed.</small>
      </div>
      {settings.pacing === 'custom' && (
        <div className="field">
          <label htmlFor="pacing-rate">Pacing chars/s</label>
          <input
            id="pacing-rate"
            type="text"
            inputMode="numeric"
            value={settings.pacingCharsPerSecond}
            onChange={(e) => settingsChanged({ pacingCharsPerSecond: e.target.value })}
            aria-invalid={customInvalid ? true : undefined}
            aria-describedby="pacing-rate-help"
          />
          <small id="pacing-rate-help" className={customInvalid ? 'field-error' : 'field-help'}>
            {customInvalid
              ? 'Pacing chars/s must be a number above 0; pacing is off until it is.'
              : 'Characters per second.'}
          </small>
        </div>
      )}
      <div className="field field-check">
        <input
          id="debug-log"
          type="checkbox"
          checked={settings.debug}
          onChange={(e) => settingsChanged({ debug: e.target.checked })}
        />
        <label htmlFor="debug-log">Debug log in the console</label>
      </div>
    </fieldset>
  );
}
