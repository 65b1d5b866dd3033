/**
 * Limits on sampling parameters, shared by the engine (which enforces them) and
 * the settings form (which checks them before sending). Pure data: this folder
 * is compiled for both the page and the worker.
 */
export declare const SAMPLING_LIMITS: {
  readonly maxTokens: 100000;
  readonly temperature: 5;
  readonly repetitionPenalty: {
    readonly min: 0.1;
    readonly max: 10;
  };
  readonly stopSequences: 8;
  readonly stopLength: 200;
  readonly seed: number;
  readonly promptChars: 1000000;
  /** One chat message; a longer paste is refused before anything is tokenized (tokenizing 1 MB takes seconds). */
  readonly messageChars: 100000;
  /** Messages in one request. */
  readonly messages: 1000;
  /** All messages of one request together. */
  readonly conversationChars: 1000000;
};
