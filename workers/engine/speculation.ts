import type { Backend, GenerateRequest } from '../protocol';

/** Draft tokens verified per pass: the bench's cost ratio for k + 1 rows sets this and the defaults below. */
export const DRAFT_TOKENS = 4;

/**
 * Whether `speculative: 'auto'` speculates, per backend, from the measured break-even
 * (`npm run bench`, "speculative" section): on WASM a 5-row pass costs little more than a
 * 1-row pass (decode reads every weight once either way), so even a low acceptance rate pays;
 * on WebGPU (SwiftShader here; unmeasured on real GPUs) the extra rows cost nearly their
 * full price, so it stays off unless asked for.
 */
export const SPECULATE_BY_DEFAULT: Record<Backend, boolean> = { wasm: true, webgpu: false };

/** Speculation is for greedy decoding only: with one argmax per row the output is the same token for token. */
export function draftTokensFor(
  request: { temperature: number } & Pick<GenerateRequest, 'speculative'>,
  backend: Backend,
): number {
  const mode = request.speculative ?? 'auto';
  if (mode === 'off' || request.temperature !== 0) return 0;
  if (mode === 'auto' && !SPECULATE_BY_DEFAULT[backend]) return 0;
  return DRAFT_TOKENS;
}
