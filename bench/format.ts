/** Number formatting for the bench reports: '—' for a missing or non-finite value. */
export const fixed = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

export const percent = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`;

/** "min–max" of a sample. */
export const spread = (xs: readonly number[], digits = 1): string =>
  xs.length ? `${fixed(Math.min(...xs), digits)}–${fixed(Math.max(...xs), digits)}` : '—';
