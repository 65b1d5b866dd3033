export interface SparklineGeometry {
  /** SVG path data ("M x y L x y …"), empty with fewer than two points. */
  path: string;
  max: number;
}

/**
 * Scales a series into a width×height box. The vertical scale starts at 0 so
 * the line's height reads as speed, and tops out at the series' maximum.
 */
export function sparkline(values: readonly number[], width: number, height: number, pad = 1): SparklineGeometry {
  const finite = values.filter((v) => Number.isFinite(v) && v >= 0);
  const max = finite.reduce((m, v) => Math.max(m, v), 0);
  if (finite.length < 2 || max === 0) return { path: '', max };
  const step = (width - 2 * pad) / (finite.length - 1);
  const usable = height - 2 * pad;
  const path = finite
    .map((v, i) => {
      const x = pad + i * step;
      const y = pad + usable - (v / max) * usable;
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join(' ');
  return { path, max };
}
