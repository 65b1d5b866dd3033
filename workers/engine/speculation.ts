import type { GenerateRequest } from '../protocol';

/** Draft tokens verified per pass at most. */
export const DRAFT_TOKENS = 4;

/** Passes of each kind before `auto` trusts its estimates. */
const WARMUP_SAMPLES = 3;
/** While `auto` holds back, it still tries a draft this often, in case the text turns copy-heavy. */
const REPROBE_EVERY = 16;
const EMA = 0.2;

/**
 * When to speculate. Speculation is for greedy decoding only (temperature 0): every row is an
 * argmax, so the output is the same token for token; sampled requests never speculate.
 *
 * `on` drafts whenever the n-gram lookup finds something. `auto` follows the break-even as it
 * measures it on this device and model: a verify pass of k+1 rows costs r times a 1-row pass
 * (r is small where decode is memory-bound, e.g. a GPU or a small model, and approaches k+1 where
 * it is compute-bound, e.g. single-threaded WASM on a 135M model, see `npm run bench`), and
 * pays off only while it yields more than r tokens on average. It keeps running averages of both
 * pass costs and of tokens per verify pass, across generations of the loaded model, and drafts only
 * while the expected gain exceeds the cost (probing now and then when it does not).
 */
export class SpeculationPolicy {
  private singleMs = 0;
  private singleSamples = 0;
  private verifyMs = 0;
  private verifySamples = 0;
  private tokensPerVerify = 0;
  private sinceProbe = 0;

  /** How many draft tokens to ask for before the next pass (0: a plain pass). */
  draftBudget(request: { temperature: number } & Pick<GenerateRequest, 'speculative'>): number {
    const mode = request.speculative ?? 'auto';
    if (mode === 'off' || request.temperature !== 0) return 0;
    if (mode === 'on') return DRAFT_TOKENS;
    if (this.verifySamples < WARMUP_SAMPLES || this.singleSamples < WARMUP_SAMPLES) return DRAFT_TOKENS;
    if (this.worthIt()) return DRAFT_TOKENS;
    if (++this.sinceProbe >= REPROBE_EVERY) {
      this.sinceProbe = 0;
      return DRAFT_TOKENS;
    }
    return 0;
  }

  /** Reports a decode pass: `drafted` tokens verified (0 for a plain pass), `produced` tokens it gave. */
  record(ms: number, drafted: number, produced: number): void {
    if (drafted === 0) {
      this.singleMs = this.singleSamples++ === 0 ? ms : this.singleMs + EMA * (ms - this.singleMs);
      return;
    }
    const first = this.verifySamples++ === 0;
    this.verifyMs = first ? ms : this.verifyMs + EMA * (ms - this.verifyMs);
    this.tokensPerVerify = first ? produced : this.tokensPerVerify + EMA * (produced - this.tokensPerVerify);
  }

  /** Verify passes yield more tokens per millisecond than plain ones. */
  worthIt(): boolean {
    return this.singleMs > 0 && this.verifyMs > 0 && this.tokensPerVerify / this.verifyMs > 1 / this.singleMs;
  }

  snapshot(): { singleMs: number; verifyMs: number; tokensPerVerify: number } {
    return { singleMs: this.singleMs, verifyMs: this.verifyMs, tokensPerVerify: this.tokensPerVerify };
  }
}
