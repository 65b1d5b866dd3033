import type * as Xgr from '@mlc-ai/web-xgrammar';
import { EngineError } from '../errors';
import type { GrammarSource } from './grammar-request';
import { SEPARATORS } from './separators';
import type { GrammarVocab } from './tokenizer-info';

/** Compiled grammars kept per tokenizer (each holds a token-mask cache: tens of KB to a few MB). */
const MAX_COMPILED = 32;

/** The library's default export: everything is reached through it (its wasm binding is shared module state). */
export type XgrammarModule = typeof Xgr.default;
export type CompiledGrammar = Xgr.CompiledGrammar;
export type GrammarMatcher = Xgr.GrammarMatcher;
export type GrammarCompiler = Xgr.GrammarCompiler;

/**
 * web-xgrammar is an Emscripten build with its wasm inlined as a data URL, instantiated with
 * `WebAssembly.instantiate` (CSP: needs 'wasm-unsafe-eval', no 'unsafe-eval': the embind glue
 * is built without dynamic code). It is loaded on the first constrained request, as its own chunk.
 */
export const loadXgrammar = async (): Promise<XgrammarModule> => {
  const mod = (await import('@mlc-ai/web-xgrammar')) as unknown as { default?: XgrammarModule } & XgrammarModule;
  return mod.default ?? mod;
};

/**
 * The C++ side reports a bad schema by printing `[FATAL] file:line: message` and calling
 * abort(), which reaches JS only as `RuntimeError: Aborted()`. Emscripten binds its error
 * printer to `console.error` when the module initialises, so a relay installed then lets us
 * read that message while a compile runs, and pass everything else through.
 */
class FatalRelay {
  private capture: string[] | null = null;
  private readonly original = console.error;

  readonly relay = (...args: unknown[]) => {
    if (this.capture) this.capture.push(args.map(String).join(' '));
    else this.original.apply(console, args);
  };

  /** Runs `init` (the module's first call) with the relay in place, so Emscripten binds it. */
  async install<T>(init: () => Promise<T>): Promise<T> {
    console.error = this.relay;
    try {
      return await init();
    } finally {
      console.error = this.original;
    }
  }

  async collect<T>(run: () => Promise<T>): Promise<{ value: T } | { failure: unknown; printed: string[] }> {
    const printed: string[] = [];
    this.capture = printed;
    try {
      return { value: await run() };
    } catch (failure) {
      return { failure, printed };
    } finally {
      this.capture = null;
    }
  }
}

/** `[FATAL] /path/json_schema_converter.cc:902: Unsupported type "foo"` → `Unsupported type "foo"`. */
export function fatalMessage(printed: readonly string[], failure: unknown): string {
  const line = printed.find((l) => l.includes('[FATAL]'));
  if (line) return line.replace(/^.*\[FATAL\]\s*\S+:\d+:\s*/, '').trim();
  return failure instanceof Error ? failure.message : String(failure);
}

/** One tokenizer's compiler, with compiled grammars cached by their source (compiling takes milliseconds to seconds). */
export class GrammarRuntime {
  private readonly compiled = new Map<string, Promise<CompiledGrammar>>();

  private constructor(
    readonly xgr: XgrammarModule,
    private readonly compiler: GrammarCompiler,
    private readonly relay: FatalRelay,
    readonly vocab: GrammarVocab,
  ) {}

  static async create(
    vocab: GrammarVocab,
    load: () => Promise<XgrammarModule> = loadXgrammar,
  ): Promise<GrammarRuntime> {
    const relay = new FatalRelay();
    try {
      const xgr = await load();
      const info = await relay.install(() =>
        xgr.TokenizerInfo.createTokenizerInfo(
          vocab.encodedVocab,
          vocab.vocabType,
          false,
          vocab.vocabSize,
          vocab.stopTokenIds,
        ),
      );
      const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info, true);
      return new GrammarRuntime(xgr, compiler, relay, vocab);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new EngineError(
        'GrammarUnavailable',
        `The grammar engine (web-xgrammar) failed to start: ${detail}. Structured output and forced tool calls need it; send the request without responseFormat/toolChoice, or reload the page (a CSP must allow 'wasm-unsafe-eval').`,
      );
    }
  }

  /** Compiles (or reuses) a grammar; a source XGrammar rejects is an `InvalidSchema` naming what it said. */
  compile(source: GrammarSource): Promise<CompiledGrammar> {
    let entry = this.compiled.get(source.key);
    if (!entry) {
      entry = this.relay
        .collect(() => source.compile(this))
        .then((outcome) => {
          if ('value' in outcome) return outcome.value;
          throw new EngineError(
            'InvalidSchema',
            `${source.what} cannot be compiled: ${fatalMessage(outcome.printed, outcome.failure)}. Fix the schema and send again.`,
          );
        });
      // A failure is not cached: the next request compiles again (and gets the same named error).
      entry.catch(() => this.compiled.delete(source.key));
      if (this.compiled.size >= MAX_COMPILED) {
        const oldest = this.compiled.keys().next().value as string;
        void this.compiled.get(oldest)?.then(
          (g) => g.dispose(),
          () => undefined,
        );
        this.compiled.delete(oldest);
      }
      this.compiled.set(source.key, entry);
    }
    return entry;
  }

  /** For sources: a JSON schema with our fixed layout (one line, no free whitespace). */
  compileSchemaText(schema: string, strict: boolean): Promise<CompiledGrammar> {
    return this.compiler.compileJSONSchema(schema, false, -1, SEPARATORS, strict);
  }

  compileGrammarText(ebnf: string): Promise<CompiledGrammar> {
    return this.compiler.compileGrammar(ebnf);
  }

  matcher(compiled: CompiledGrammar): Promise<GrammarMatcher> {
    return this.xgr.GrammarMatcher.createGrammarMatcher(compiled, this.vocab.stopTokenIds);
  }

  dispose(): void {
    for (const entry of this.compiled.values())
      void entry.then(
        (g) => g.dispose(),
        () => undefined,
      );
    this.compiled.clear();
    this.compiler.dispose();
  }
}
