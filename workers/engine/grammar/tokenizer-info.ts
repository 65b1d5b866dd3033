/**
 * What XGrammar needs to know about a tokenizer, taken from the loaded transformers.js tokenizer:
 * every token's encoded string by id, how those strings decode to bytes, and the stop tokens.
 */

/** XGrammar's names for how a vocabulary's strings map to bytes (see its `tokenizer_info.cc`). */
export type VocabType = 'byte_level' | 'byte_fallback' | 'raw';

/** The parts of a transformers.js tokenizer this reads. */
export interface VocabSource {
  get_vocab(): Map<string, number> | Record<string, number>;
  /** Ids of special tokens (`<|im_start|>`, `<|endoftext|>`...): never text the grammar may produce. */
  all_special_ids?: readonly number[];
  /** The parsed tokenizer.json (private in transformers.js, but it is what the tokenizer was built from). */
  _tokenizerJSON?: { decoder?: unknown; model?: { byte_fallback?: unknown } };
}

export interface GrammarVocab {
  /** Encoded token strings by id, length `vocabSize`; special and unused ids are empty strings. */
  encodedVocab: string[];
  vocabType: VocabType;
  /** The model's logits size, which may exceed the tokenizer's (Qwen pads 151669 tokens to 151936). */
  vocabSize: number;
  stopTokenIds: number[];
}

function decoderTypes(decoder: unknown): string[] {
  if (!decoder || typeof decoder !== 'object') return [];
  const { type, decoders } = decoder as { type?: unknown; decoders?: unknown };
  const own = typeof type === 'string' ? [type] : [];
  return Array.isArray(decoders) ? [...own, ...decoders.flatMap(decoderTypes)] : own;
}

/** The same rule as XGrammar's Python `TokenizerInfo.from_huggingface`: the decoder says how tokens become bytes. */
export function detectVocabType(source: VocabSource): VocabType {
  const types = decoderTypes(source._tokenizerJSON?.decoder);
  if (types.includes('ByteLevel')) return 'byte_level';
  if (types.includes('ByteFallback') || source._tokenizerJSON?.model?.byte_fallback === true) return 'byte_fallback';
  return 'raw';
}

export function buildGrammarVocab(
  source: VocabSource,
  logitsSize: number,
  stopTokenIds: Iterable<number>,
): GrammarVocab {
  const vocab = source.get_vocab();
  const entries = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
  let maxId = -1;
  for (const [, id] of entries) if (id > maxId) maxId = id;
  const vocabSize = Math.max(logitsSize, maxId + 1);
  const encodedVocab = new Array<string>(vocabSize).fill('');
  for (const [token, id] of entries) encodedVocab[id] = token;
  // An empty string is how XGrammar recognises a special token: it is never allowed inside the grammar's text.
  for (const id of source.all_special_ids ?? []) if (id < vocabSize) encodedVocab[id] = '';
  return { encodedVocab, vocabType: detectVocabType(source), vocabSize, stopTokenIds: [...stopTokenIds] };
}
