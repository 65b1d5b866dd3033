/**
 * Live text analysis over a growing answer. Each chunk is scanned once and
 * only running counters are kept (plus the set of distinct words), so the cost
 * per token is proportional to the token, never to the text so far.
 *
 * Definitions (shared by the one-shot `analyzeText` and the e2e test):
 * - a word is a maximal run of letters, digits, apostrophes or underscores (`[\p{L}\p{N}'_]+`, Unicode-aware);
 * - unique words compare lower-cased;
 * - a sentence is text holding at least one word, ended by a run of `.`, `!`, `?` or `…`, or by the end of the text;
 * - average word length is the mean length of words in UTF-16 code units;
 * - chars/s is characters (code units) over the active streaming time the caller supplies.
 */

export interface TextAnalysis {
  chars: number;
  words: number;
  uniqueWords: number;
  sentences: number;
  /** 0 when there are no words. */
  averageWordLength: number;
  /** null until there is a measurable duration. */
  charsPerSecond: number | null;
}

const WORD_CHAR = /[\p{L}\p{N}'_]/u;
const SENTENCE_END = /[.!?…]/u;

export class StreamAnalyzer {
  private chars = 0;
  private words = 0;
  private wordChars = 0;
  private readonly unique = new Set<string>();
  private partial = '';
  private sentences = 0;
  private sentenceHasWord = false;

  push(chunk: string): void {
    this.chars += chunk.length;
    for (const ch of chunk) {
      if (WORD_CHAR.test(ch)) {
        this.partial += ch;
        this.sentenceHasWord = true;
        continue;
      }
      this.endWord();
      if (SENTENCE_END.test(ch) && this.sentenceHasWord) {
        this.sentences++;
        this.sentenceHasWord = false;
      }
    }
  }

  private endWord(): void {
    if (!this.partial) return;
    this.words++;
    this.wordChars += this.partial.length;
    this.unique.add(this.partial.toLowerCase());
    this.partial = '';
  }

  /** The figures as if the text ended now (a trailing partial word and sentence count). */
  snapshot(activeMs: number | null = null): TextAnalysis {
    const partial = this.partial;
    const words = this.words + (partial ? 1 : 0);
    const wordChars = this.wordChars + partial.length;
    const uniqueWords = this.unique.size + (partial && !this.unique.has(partial.toLowerCase()) ? 1 : 0);
    return {
      chars: this.chars,
      words,
      uniqueWords,
      sentences: this.sentences + (this.sentenceHasWord ? 1 : 0),
      averageWordLength: words === 0 ? 0 : wordChars / words,
      charsPerSecond: activeMs !== null && activeMs > 0 ? (this.chars * 1000) / activeMs : null,
    };
  }
}

/** The same figures for a finished text, in one pass. */
export function analyzeText(text: string, activeMs: number | null = null): TextAnalysis {
  const analyzer = new StreamAnalyzer();
  analyzer.push(text);
  return analyzer.snapshot(activeMs);
}
