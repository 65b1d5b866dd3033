import { useContext, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChatEntry } from '../state/chat-slice';
import { isGenerating } from '../state/generation-slice';
import { useAppStore } from '../state/hooks';
import { ServicesContext } from './services';

/**
 * A user message with an Edit control: fix a typo and resend. Resending drops the turns after it;
 * the engine's KV cache rolls back to the edited message, so only the new text is prefilled.
 */
export function UserMessage({ entry }: { entry: ChatEntry }) {
  // Rendered without the app's services (component tests), the message is read-only.
  const chat = useContext(ServicesContext)?.chat ?? null;
  const [draft, setDraft] = useState<string | null>(null);
  const canEdit = useAppStore((s) => s.model.status === 'ready' && !isGenerating(s.generation.status));
  const fieldId = useId();

  if (draft === null || !chat) {
    return (
      <>
        <p className="msg-user-text">{entry.content}</p>
        {chat && (
          <button
            type="button"
            className="msg-edit"
            onClick={() => setDraft(entry.content)}
            disabled={!canEdit}
            aria-label="Edit message"
            title="Edit this message and resend it"
          />
        )}
      </>
    );
  }
  const save = async () => {
    if (!draft.trim()) return;
    const text = draft;
    setDraft(null);
    if (!(await chat.editMessage(entry.id, text))) setDraft(text);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') setDraft(null);
    else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void save();
    }
  };
  return (
    <form className="msg-edit-form" onSubmit={onSubmit}>
      <label htmlFor={fieldId} className="visually-hidden">
        Edit message
      </label>
      <textarea id={fieldId} value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} autoFocus />
      <div className="msg-edit-actions">
        <button type="submit" disabled={!canEdit || !draft.trim()}>
          Save and resend
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
