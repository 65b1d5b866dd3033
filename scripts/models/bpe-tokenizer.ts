/**
 * Byte-level BPE trainer and Hugging Face `tokenizer.json` serializer.
 *
 * The pre-tokenizer regex and byte-to-unicode table are the GPT-2 ones that
 * `tokenizers` (Rust) and `@huggingface/tokenizers` (JS) use for a `ByteLevel`
 * pre-tokenizer with `use_regex: true`; training with the same split guarantees the
 * learned merges are exactly the ones the runtime encoder will apply.
 */
import { mulberry32 } from './prng';

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2 bytes_to_unicode: printable bytes map to themselves, the rest to U+0100.. */
export function bytesToUnicode(): string[] {
  const table: string[] = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : 256 + shifted++);
  }
  return table;
}

export interface TrainedBpe {
  /** Token string -> id, including the special tokens and any padding tokens. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merge rules in rank order, as `[left, right]` byte-level strings. */
  readonly merges: ReadonlyArray<readonly [string, string]>;
  readonly specialIds: Readonly<Record<SpecialToken, number>>;
}

export interface TrainOptions {
  /** Stop once the vocabulary (specials + 256 bytes + merges) reaches this size. */
  readonly vocabSize: number;
  /** Pairs seen fewer times than this are never merged (avoids memorising the corpus). */
  readonly minFrequency?: number;
}

function preTokenize(text: string, byteMap: readonly string[]): string[] {
  const encoder = new TextEncoder();
  const pieces = text.match(GPT2_SPLIT) ?? [];
  return pieces.map((piece) => Array.from(encoder.encode(piece), (b) => byteMap[b] ?? '').join(''));
}

/** Classic BPE training: repeatedly merge the most frequent adjacent pair. */
export function trainBpe(corpus: string, options: TrainOptions): TrainedBpe {
  const minFrequency = options.minFrequency ?? 2;
  const byteMap = bytesToUnicode();

  const vocab = new Map<string, number>();
  const specialIds = {} as Record<SpecialToken, number>;
  for (const token of SPECIAL_TOKENS) {
    specialIds[token] = vocab.size;
    vocab.set(token, vocab.size);
  }
  for (const symbol of byteMap) vocab.set(symbol, vocab.size);

  const wordCounts = new Map<string, number>();
  for (const word of preTokenize(corpus, byteMap)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  // Sorted so that the pair statistics (and tie-breaks below) never depend on Map order quirks.
  const words = [...wordCounts.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([word, count]) => ({ symbols: Array.from(word), count }));

  const merges: Array<readonly [string, string]> = [];
  while (vocab.size < options.vocabSize) {
    // Recounting from scratch each round is O(corpus) but the corpus is a few KB.
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let bestKey: string | null = null;
    let bestCount = 0;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && bestKey !== null && key < bestKey)) {
        bestKey = key;
        bestCount = count;
      }
    }
    if (bestKey === null || bestCount < minFrequency) break;
    const [left, right] = bestKey.split(' ') as [string, string];
    const merged = left + right;
    merges.push([left, right]);
    if (!vocab.has(merged)) vocab.set(merged, vocab.size);
    for (const word of words) {
      const { symbols } = word;
      if (symbols.length < 2) continue;
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else {
          next.push(symbols[i] ?? '');
        }
      }
      word.symbols = next;
    }
  }
  return { vocab, merges, specialIds };
}

const SYLLABLE_ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'sh', 'ch'];
const SYLLABLE_VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];

/**
 * Grows the vocabulary to `targetSize` with pseudo-words (" kelamo", "tusi").
 * They have no merges, so the encoder never produces them, but a model with a
 * realistic 49k vocabulary can emit them and they still decode to readable text.
 */
export function padVocabulary(bpe: TrainedBpe, targetSize: number, seed: number): TrainedBpe {
  const vocab = new Map(bpe.vocab);
  const rng = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[rng() % items.length] as T;
  while (vocab.size < targetSize) {
    let word = rng() % 4 === 0 ? '' : '\u0120'; // U+0120 is the byte-level form of a leading space.
    const syllables = 1 + (rng() % 4);
    for (let i = 0; i < syllables; i++) word += pick(SYLLABLE_ONSETS) + pick(SYLLABLE_VOWELS);
    if (!vocab.has(word)) vocab.set(word, vocab.size);
  }
  return { ...bpe, vocab };
}

/** Serialises to the `tokenizers` JSON format (same layout GPT-2/SmolLM2 ship). */
export function toTokenizerJson(bpe: TrainedBpe): Record<string, unknown> {
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: bpe.specialIds[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab),
      // "a b" strings (not pairs) are readable by every tokenizers version; byte-level
      // symbols never contain a space, so the split is unambiguous.
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}
