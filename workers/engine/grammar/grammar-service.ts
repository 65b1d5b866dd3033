import type { GenerateRequest } from '../../protocol';
import { TokenConstraint } from './constraint';
import { grammarSource } from './grammar-request';
import { buildGrammarVocab, type VocabSource } from './tokenizer-info';
import { GrammarRuntime, loadXgrammar, type XgrammarModule } from './xgrammar-runtime';

/** What the service needs of the loaded model. */
export interface GrammarModel {
  tokenizer: unknown;
  eosTokenIds: ReadonlySet<number>;
  /** The logits' width (config.json `vocab_size`). */
  vocabSize: number;
}

/**
 * The engine's entry to constrained decoding: one runtime (tokenizer info + compiler) per loaded
 * model, built on the first request that needs it; `reset` when the model goes.
 */
export class GrammarService {
  private runtime: { model: GrammarModel; ready: Promise<GrammarRuntime> } | null = null;

  constructor(private readonly load: () => Promise<XgrammarModule> = loadXgrammar) {}

  /** Null for free text. Throws InvalidParams/InvalidSchema/GrammarUnavailable before any forward pass. */
  async constraintFor(model: GrammarModel, request: GenerateRequest): Promise<TokenConstraint | null> {
    const source = grammarSource(request);
    if (!source) return null;
    const runtime = await this.runtimeFor(model);
    const compiled = await runtime.compile(source);
    const matcher = await runtime.matcher(compiled);
    return new TokenConstraint(matcher, runtime.vocab.encodedVocab, runtime.vocab.stopTokenIds);
  }

  private runtimeFor(model: GrammarModel): Promise<GrammarRuntime> {
    const current = this.runtime;
    if (current && current.model.tokenizer === model.tokenizer) return current.ready;
    this.reset();
    const vocab = buildGrammarVocab(model.tokenizer as VocabSource, model.vocabSize, model.eosTokenIds);
    const ready = GrammarRuntime.create(vocab, this.load);
    // A failed start is retried by the next request rather than remembered.
    ready.catch(() => {
      if (this.runtime?.ready === ready) this.runtime = null;
    });
    this.runtime = { model, ready };
    return ready;
  }

  reset(): void {
    void this.runtime?.ready.then(
      (r) => r.dispose(),
      () => undefined,
    );
    this.runtime = null;
  }
}
