import { useState } from 'react';
import { DEFAULT_HUB_HOST, isHubId } from '../../common/hub';
import type { Dtype } from '../../workers/protocol';
import {
  autoDtype,
  CATALOG,
  catalogDtypes,
  catalogSpec,
  customHubSpec,
  deviceCaps,
  downloadBytes,
  dtypeRefusal,
  findCatalogModel,
} from '../catalog';
import { useAppStore } from '../state/hooks';
import { localBackend } from '../state/settings-slice';
import { formatBytes } from './format';
import { useServices } from './services';

/**
 * Picks a model and loads it only on an explicit click, showing the download size first. The precision
 * list holds only the dtypes the repo ships; its default is what the engine's `auto` picks on this
 * device, and a pick that cannot run here says why before anything is downloaded.
 */
export function ModelPicker() {
  const { bridge } = useServices();
  const settings = useAppStore((s) => s.settings);
  const loaded = useAppStore((s) => s.model.result);
  const loading = useAppStore((s) => s.model.status === 'loading');
  const [choice, setChoice] = useState<{ key: string; dtype: Dtype | null; customId: string }>({
    key: 'demo',
    dtype: null,
    customId: '',
  });
  const model = findCatalogModel(choice.key) ?? CATALOG[0]!;
  const caps = deviceCaps(localBackend(settings.backend), loaded);
  const auto = autoDtype(model, caps);
  const offered = catalogDtypes(model);
  const picked = choice.dtype && offered.includes(choice.dtype) ? choice.dtype : null;
  const dtype: Dtype = picked ?? (auto.ok ? auto.dtype : (offered[0] ?? 'fp32'));
  const refusal = model.hubId ? (picked ? dtypeRefusal(model, dtype, caps) : auto.ok ? null : auto.reason) : null;
  const size = downloadBytes(model, dtype);
  const spec = { backend: localBackend(settings.backend), hubHost: settings.hubHost.trim() || DEFAULT_HUB_HOST };
  const customValid = isHubId(choice.customId.trim());
  const label = (d: Dtype) =>
    `${d} (${formatBytes(downloadBytes(model, d))})${auto.ok && auto.dtype === d ? ' — best here' : ''}`;

  return (
    <fieldset className="model-picker">
      <legend>Model</legend>
      <div className="field">
        <label htmlFor="model-select">Catalog model</label>
        <select
          id="model-select"
          value={model.key}
          onChange={(e) => setChoice({ ...choice, key: e.target.value, dtype: null })}
        >
          {CATALOG.map((m) => {
            const best = autoDtype(m, caps);
            return (
              <option key={m.key} value={m.key}>
                {m.name} ({best.ok ? formatBytes(downloadBytes(m, best.dtype)) : 'too large here'})
              </option>
            );
          })}
        </select>
        <small className="field-help">{model.note}</small>
      </div>
      {offered.length > 1 && (
        <div className="field">
          <label htmlFor="dtype-select">Precision</label>
          <select
            id="dtype-select"
            value={dtype}
            onChange={(e) => setChoice({ ...choice, dtype: e.target.value as Dtype })}
            aria-describedby="dtype-help"
          >
            {offered.map((d) => (
              <option key={d} value={d}>
                {label(d)}
              </option>
            ))}
          </select>
          <small
            id="dtype-help"
            className={refusal ? 'field-error' : 'field-help'}
            role={refusal ? 'alert' : undefined}
          >
            {refusal ?? (picked ? `${dtype} · as requested` : auto.ok ? auto.reason : '')}
          </small>
        </div>
      )}
      <button
        type="button"
        className="primary"
        disabled={loading || refusal !== null}
        onClick={() =>
          void bridge.load(catalogSpec(model, picked ?? 'auto', spec, dtype), model.hubId ?? 'Bundled test model')
        }
      >
        Load model{model.hubId ? ` (${formatBytes(size)} download)` : ' (bundled, offline)'}
      </button>

      <div className="field">
        <label htmlFor="custom-model">Any Hub model id</label>
        <input
          id="custom-model"
          type="text"
          placeholder="owner/name, with an onnx/ folder"
          value={choice.customId}
          onChange={(e) => setChoice({ ...choice, customId: e.target.value })}
          spellCheck={false}
          autoCapitalize="off"
        />
        <button
          type="button"
          disabled={loading || !customValid}
          onClick={() => void bridge.load(customHubSpec(choice.customId, spec), choice.customId.trim())}
        >
          Load this model (size unknown)
        </button>
      </div>
    </fieldset>
  );
}
