import { useAppStore } from '../state/hooks';
import { formatBytes, formatEta, formatSpeed, fraction, PHASE_LABELS } from './format';
import { RetryNotice } from './RetryNotice';
import { useServices } from './services';

/** Model load progress: phase, bytes, speed, ETA and Cancel. Shown only while loading. */
export function LoadPanel() {
  const { bridge } = useServices();
  const model = useAppStore((s) => s.model);
  if (model.status !== 'loading') {
    return model.note ? <p className="load-note">{model.note}</p> : null;
  }
  const p = model.progress;
  const phase = p ? PHASE_LABELS[p.phase] : 'Starting';
  const done = p && (p.phase === 'download' || p.phase === 'cache') ? fraction(p.loaded, p.total) : null;
  return (
    <section className="load" aria-label="Model loading">
      <div className="load-head">
        <strong>Loading {model.label}</strong>
        <span className="load-phase">{phase}…</span>
      </div>
      <progress max={1} {...(done === null ? {} : { value: done })} aria-label={`Loading ${model.label}: ${phase}`} />
      <div className="load-figures">
        <span>
          {formatBytes(p?.loaded ?? 0)} / {p?.total ? formatBytes(p.total) : 'unknown size'}
        </span>
        <span>{formatSpeed(model.speed.bytesPerSecond)}</span>
        {model.speed.etaMs !== null && model.speed.etaMs >= 1000 && <span>{formatEta(model.speed.etaMs)}</span>}
        <button type="button" onClick={() => void bridge.stop()}>
          Cancel
        </button>
      </div>
      {model.retry && <RetryNotice retry={model.retry} />}
    </section>
  );
}
