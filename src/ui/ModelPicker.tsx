import { useState } from 'react';
import { DEFAULT_HUB_HOST, isHubId } from '../../common/hub';
import type { Dtype } from '../../workers/protocol';
import { CATALOG, catalogSpec, customHubSpec, findCatalogModel } from '../catalog';
import { useAppStore } from '../state/hooks';
import { formatBytes } from './format';
import { useServices } from './services';

/** Picks a model and loads it only on an explicit click, showing the download size first. */
export function ModelPicker() {
  const { bridge } = useServices();
  const settings = useAppStore((s) => s.settings);
  const loading = useAppStore((s) => s.model.status === 'loading');
  const [choice, setChoice] = useState({ key: 'demo', dtype: 'fp32' as Dtype, customId: '' });
  const model = findCatalogModel(choice.key) ?? CATALOG[0]!;
  const dtype = model.dtypes.includes(choice.dtype) ? choice.dtype : (model.dtypes[0] ?? 'fp32');
  const size = model.sizes[dtype];
  const spec = { backend: settings.backend, hubHost: settings.hubHost.trim() || DEFAULT_HUB_HOST };
  const customValid = isHubId(choice.customId.trim());

  return (
    <fieldset className="model-picker">
      <legend>Model</legend>
      <div className="field">
        <label htmlFor="model-select">Catalog model</label>
        <select id="model-select" value={model.key} onChange={(e) => setChoice({ ...choice, key: e.target.value })}>
          {CATALOG.map((m) => (
            <option key={m.key} value={m.key}>
              {m.name} (~{formatBytes(m.sizes[m.dtypes[0] ?? 'fp32'])})
            </option>
          ))}
        </select>
        <small className="field-help">{model.note}</small>
      </div>
      {model.dtypes.length > 1 && (
        <div className="field">
          <label htmlFor="dtype-select">Precision</label>
          <select
            id="dtype-select"
            value={dtype}
            onChange={(e) => setChoice({ ...choice, dtype: e.target.value as Dtype })}
          >
            {model.dtypes.map((d) => (
              <option key={d} value={d}>
                {d} (~{formatBytes(model.sizes[d])})
              </option>
            ))}
          </select>
        </div>
      )}
      <button
        type="button"
        className="primary"
        disabled={loading}
        onClick={() => void bridge.load(catalogSpec(model, dtype, spec), model.hubId ?? 'Bundled test model')}
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
