import { useEffect } from 'react';
import type { CachedModel } from '../../workers/protocol';
import { formatBytes } from '../../common/format-bytes';
import { OpenFolder } from './OpenFolder';
import { useServices } from '../ui/services';
import { usePwa } from './use-pwa';

function CachedModelRow({ model, disabled }: { model: CachedModel; disabled: boolean }) {
  const { pwa } = useServices();
  return (
    <li data-model-key={model.key}>
      <span className="pwa-model-name">{model.key}</span>{' '}
      <span className="pwa-model-size">{formatBytes(model.bytes)}</span>{' '}
      <button
        type="button"
        disabled={disabled}
        aria-label={`Delete ${model.key}`}
        onClick={() => void pwa.deleteModel(model.key)}
      >
        Delete
      </button>
    </li>
  );
}

function StorageSummary() {
  const storage = usePwa((s) => s.storage);
  if (!storage) return <p>Reading storage…</p>;
  return (
    <p aria-label="Storage usage">
      {formatBytes(storage.usage)} used of {formatBytes(storage.quota)} available to this site
      {storage.persisted ? ' (persistent)' : ''}.
    </p>
  );
}

/** Downloaded models with sizes, delete one or all, storage use, and loading a model folder from disk. */
export function ModelManager() {
  const models = usePwa((s) => s.storage?.models ?? null);
  const busy = usePwa((s) => s.busy);
  const error = usePwa((s) => s.error);
  const { pwa } = useServices();
  useEffect(() => void pwa.refreshStorage(), [pwa]);

  return (
    <section aria-label="Model manager" className="pwa-models">
      <h2>Models on this device</h2>
      <StorageSummary />
      {models && models.length === 0 && <p>No downloaded models. The bundled demo model is part of the app.</p>}
      {models && models.length > 0 && (
        <ul aria-label="Downloaded models">
          {models.map((m) => (
            <CachedModelRow key={m.key} model={m} disabled={busy !== null} />
          ))}
        </ul>
      )}
      <p>
        <button type="button" disabled={busy !== null || !models?.length} onClick={() => void pwa.clearAllModels()}>
          Delete all models
        </button>{' '}
        <OpenFolder />
      </p>
      {busy && <p role="status">{busy}…</p>}
      {error && (
        <p role="alert">
          <strong>{error.name}</strong>: {error.message}
        </p>
      )}
    </section>
  );
}
