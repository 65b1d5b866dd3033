import type { ChatMessage } from '../protocol';

/**
 * The ids the loaded model generated for its recent answers, by answer text. Callers that send a
 * chat back as plain text (the embed widget's hosts, an OpenAI-style `messages` array, the API
 * without `tokenIds`) then still get the exact ids the KV cache holds, so reuse does not stop at
 * an answer that re-tokenizes differently. Bounded; cleared when the model changes.
 */
export class GeneratedIds {
  private readonly byText = new Map<string, number[]>();

  constructor(private readonly capacity = 256) {}

  remember(text: string, ids: readonly number[]): void {
    if (text === '' || ids.length === 0) return;
    this.byText.delete(text);
    this.byText.set(text, [...ids]);
    if (this.byText.size > this.capacity) {
      const oldest = this.byText.keys().next().value;
      if (oldest !== undefined) this.byText.delete(oldest);
    }
  }

  /** Assistant messages without their own `tokenIds` get the remembered ones for their text. */
  fill(messages: readonly ChatMessage[]): ChatMessage[] {
    return messages.map((m) => {
      if (m.role !== 'assistant' || m.tokenIds) return m;
      const ids = this.byText.get(m.content);
      return ids ? { ...m, tokenIds: ids } : m;
    });
  }

  clear(): void {
    this.byText.clear();
  }
}
