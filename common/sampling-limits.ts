/**
 * Limits on sampling parameters, shared by the engine (which enforces them) and
 * the settings form (which checks them before sending). Pure data: this folder
 * is compiled for both the page and the worker.
 */
export const SAMPLING_LIMITS = {
  maxTokens: 100_000,
  temperature: 5,
  repetitionPenalty: { min: 0.1, max: 10 },
  stopSequences: 8,
  stopLength: 200,
  seed: 2 ** 32 - 1,
  promptChars: 1_000_000,
  /** One chat message; a longer paste is refused before anything is tokenized (tokenizing 1 MB takes seconds). */
  messageChars: 100_000,
  /** Messages in one request. */
  messages: 1_000,
  /** All messages of one request together. */
  conversationChars: 1_000_000,
} as const;
