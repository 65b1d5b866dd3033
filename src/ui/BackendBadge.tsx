import { useAppStore } from '../state/hooks';
import { remoteHostOf, type ModelState } from '../state/model-slice';

/** Which backend runs the model and why, plus an honest label for test models. */
export function BackendBadge() {
  const model = useAppStore((s) => s.model);
  return (
    <span className="model-status" role="status" aria-label="Model status">
      <BadgeContent model={model} />
    </span>
  );
}

function BadgeContent({ model }: { model: ModelState }) {
  if (model.status === 'loading') return <span className="badge badge-muted">Loading…</span>;
  const r = model.result;
  if (!r) return <span className="badge badge-muted">{model.status === 'error' ? 'Load failed' : 'No model'}</span>;
  const host = remoteHostOf(model);
  if (host) {
    // Said plainly and always visible: on this backend the conversation leaves the device.
    return (
      <>
        <span className="badge badge-remote" title={r.backendReason} data-backend="remote">
          Remote
        </span>
        <span className="badge-reason remote-warning">Text you send leaves this device, to {host}</span>
        <span className="model-name" title={`${r.modelId} on ${host}`}>
          {r.modelId}
        </span>
      </>
    );
  }
  const backend = r.backend === 'webgpu' ? 'WebGPU' : 'WASM';
  const threads = r.backend === 'wasm' ? ` · ${r.threads} thread${r.threads === 1 ? '' : 's'}` : '';
  const reason = `${backend} — ${r.fellBack ? 'fell back: ' : ''}${r.backendReason}`;
  const detail = r.backend === 'wasm' ? `${reason}; ${r.threads} thread(s): ${r.threadsReason}` : reason;
  return (
    <>
      <span className={`badge badge-${r.backend}`} title={detail} data-backend={r.backend}>
        {backend}
        {threads}
      </span>
      <span className="badge-reason">{reason}</span>
      <span className="model-name" title={`${r.modelId} — ${r.dtypeReason}`}>
        {r.randomWeights ? 'Test model — random weights' : r.modelId} · {r.dtype}
      </span>
      <span className="badge-reason dtype-reason">{r.dtypeReason}</span>
    </>
  );
}
