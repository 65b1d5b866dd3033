import { formatBytes } from '../../common/format-bytes';
import type { LoadPhase } from '../../workers/protocol';

/** The app's one byte format (decimal units), re-exported for the views. */
export { formatBytes };

/** "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(sec).padStart(2, '0')} s`;
}

export function formatRate(tokPerS: number | null | undefined): string {
  if (tokPerS === null || tokPerS === undefined || !Number.isFinite(tokPerS)) return '— tok/s';
  return `${tokPerS >= 100 ? tokPerS.toFixed(0) : tokPerS.toFixed(1)} tok/s`;
}

export function formatSpeed(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '—/s' : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatEta(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'ETA —' : `ETA ${formatDuration(ms)}`;
}

export const PHASE_LABELS: Record<LoadPhase, string> = {
  download: 'Downloading',
  cache: 'Reading from cache',
  compile: 'Compiling shaders / building the session',
  warmup: 'Warming up',
  ready: 'Ready',
};

/** 0..1, or null when the total is unknown (the bar then shows as indeterminate). */
export function fraction(done: number, total: number | null | undefined): number | null {
  if (!total || total <= 0) return null;
  return Math.min(1, Math.max(0, done / total));
}
