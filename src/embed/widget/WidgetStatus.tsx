import { useAppStore } from '../../state/hooks';

const format = (value: number | null, digits: number) => (value === null ? '–' : value.toFixed(digits));

/** Model line, load progress bar, stats line and the last error. */
export function WidgetStatus() {
  const phase = useAppStore((s) => s.widget.phase);
  const progress = useAppStore((s) => s.widget.progress);
  const model = useAppStore((s) => s.widget.model);
  const stats = useAppStore((s) => s.widget.stats);
  const error = useAppStore((s) => s.widget.error);

  return (
    <div className="tw-embed__status">
      {phase === 'loading' && (
        <label className="tw-embed__progress">
          Loading model…
          <progress
            aria-label="Model load progress"
            max={1}
            {...(progress?.fraction != null && { value: progress.fraction })}
          />
        </label>
      )}
      {model && (
        <p className="tw-embed__model">
          {model.name} ·{' '}
          {model.backend === 'webgpu' ? 'WebGPU' : `WASM, ${model.threads} thread${model.threads === 1 ? '' : 's'}`}
          {model.randomWeights && <strong> · Test model with random weights: its output is gibberish.</strong>}
        </p>
      )}
      {stats && (
        <p className="tw-embed__stats" aria-label="Generation stats">
          {format(stats.tokPerS, 1)} tok/s · TTFT {format(stats.ttftMs, 0)} ms · {stats.tokens} tokens
        </p>
      )}
      {error && (
        <p className="tw-embed__error" role="alert">
          {error.name}: {error.message}
        </p>
      )}
    </div>
  );
}
