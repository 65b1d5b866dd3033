import { formatBytes } from '../../common/format-bytes';
import { useAppStore } from '../state/hooks';
import { AnalysisPanel } from './AnalysisPanel';
import { isGenerating } from '../state/generation-slice';
import { formatDuration, formatEta, formatRate, fraction } from './format';
import { sparkline } from './sparkline';

const SPARK_W = 120;
const SPARK_H = 28;

function Sparkline() {
  const rates = useAppStore((s) => s.generation.rateHistory);
  const { path, max } = sparkline(rates, SPARK_W, SPARK_H);
  // A run shorter than two stats intervals has no line to draw: say so in the box the line would fill.
  if (!path)
    return (
      <span className="sparkline sparkline-empty" role="img" aria-label="Decode speed: not enough data yet">
        —
      </span>
    );
  return (
    <svg
      className="sparkline"
      width={SPARK_W}
      height={SPARK_H}
      viewBox={`0 0 ${SPARK_W} ${SPARK_H}`}
      role="img"
      aria-label={`Decode speed over this run, peak ${formatRate(max)}`}
    >
      <path d={path} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * Live figures of the current (or last) generation, from the engine's stats events only: they come
 * at 4 Hz (statsIntervalMs), so this panel re-renders at 4 Hz, not with every frame of text.
 */
export function StatsPanel() {
  const status = useAppStore((s) => s.generation.status);
  const stats = useAppStore((s) => s.generation.stats);
  const maxTokens = useAppStore((s) => s.generation.maxTokens);
  const promptTokens = useAppStore((s) => s.generation.promptTokens);
  if (status === 'idle') return null;
  const tokens = stats?.tokens ?? 0;
  const max = maxTokens || stats?.maxTokens || 0;
  const done = fraction(tokens, max);
  const running = isGenerating(status);
  // Live, the recent window's rate; once the run is over, its average, the figure its message footer shows.
  const decode = running
    ? (stats?.decodeTokPerS ?? stats?.averageDecodeTokPerS)
    : (stats?.averageDecodeTokPerS ?? stats?.decodeTokPerS);
  return (
    <section className="stats" aria-label="Generation stats">
      {running && (
        <div className="gen-progress">
          <progress max={1} value={done ?? 0} aria-label="Tokens generated of max tokens" />
          <span>
            {tokens} / {max} tokens · {formatEta(status === 'paused' ? null : stats?.etaMs)}
          </span>
        </div>
      )}
      <dl className="stats-grid">
        <div>
          <dt>Decode</dt>
          <dd data-stat="decode">{formatRate(decode)}</dd>
        </div>
        <div>
          <dt>First token</dt>
          <dd data-stat="ttft">TTFT {formatDuration(stats?.ttftMs)}</dd>
        </div>
        <div className="stat-extra">
          <dt>Prefill</dt>
          <dd>
            {formatRate(stats?.prefillTokPerS)} · {promptTokens} prompt tokens
          </dd>
        </div>
        <div className="stat-extra">
          <dt>Output</dt>
          <dd>
            {tokens} tokens in {formatDuration(stats?.elapsedMs)}
          </dd>
        </div>
        {stats?.prefilledTokens !== undefined && (
          <div className="stat-extra">
            <dt>KV cache</dt>
            <dd data-stat="kv-cache">
              {stats.reusedTokens ?? 0} reused · {stats.prefilledTokens} prefilled ·{' '}
              {formatBytes(stats.kvCacheBytes ?? 0)}
              {stats.draftedTokens ? ` · drafts ${stats.acceptedTokens ?? 0}/${stats.draftedTokens} accepted` : ''}
            </dd>
          </div>
        )}
        <div className="spark-cell">
          <dt>Speed over run</dt>
          <dd>
            <Sparkline />
          </dd>
        </div>
      </dl>
      <AnalysisPanel />
    </section>
  );
}
