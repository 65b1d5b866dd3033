import type { EmbedChatMessage, EmbedGenerateOptions } from '../protocol';
import type { ConversationHandle, GenerationHandle } from './types';

/**
 * A multi-turn chat over `generate(messages)`: it keeps the history and sends it whole each turn.
 * The widget's engine keeps the KV cache and remembers its answers' token ids, so each turn
 * prefills only its new message — the host never handles token ids.
 */
export function createConversation(
  generate: (messages: EmbedChatMessage[], options?: EmbedGenerateOptions) => GenerationHandle,
  system?: string,
): ConversationHandle {
  const history: EmbedChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  let running: GenerationHandle | null = null;
  return {
    get messages() {
      return history.map((m) => ({ ...m }));
    },
    send(text, options) {
      if (running) throw new Error('The previous turn is still running; await its `done` first.');
      history.push({ role: 'user', content: text });
      const handle = generate(
        history.map((m) => ({ ...m })),
        options,
      );
      running = handle;
      // A failed or stopped turn still leaves what was written; an empty answer is dropped with its question.
      void handle.done.then(
        ({ text: answer }) => {
          if (answer) history.push({ role: 'assistant', content: answer });
          else history.pop();
          running = null;
        },
        () => {
          history.pop();
          running = null;
        },
      );
      return handle;
    },
  };
}
