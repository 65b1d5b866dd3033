import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { isGenerating } from '../state/generation-slice';
import { useAppStore } from '../state/hooks';
import { useServices } from './services';
import { PAUSE_SHORTCUT, STOP_SHORTCUT } from './shortcuts';

function GenerationControls() {
  const { bridge, chat } = useServices();
  const status = useAppStore((s) => s.generation.status);
  const canRegenerate = useAppStore(
    (s) => s.model.status === 'ready' && s.chat.current.messages.some((m) => m.role === 'user'),
  );
  const running = isGenerating(status);
  const paused = status === 'paused';
  return (
    <div className="controls">
      <button
        type="button"
        onClick={() => void bridge.togglePause()}
        disabled={!running || status === 'starting'}
        aria-keyshortcuts="Control+Period Meta+Period Alt+P"
        title={`${paused ? 'Resume' : 'Pause'} (${PAUSE_SHORTCUT})`}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        onClick={() => void bridge.stop()}
        disabled={!running}
        aria-keyshortcuts="Escape"
        title={`Stop, keeping the partial answer (${STOP_SHORTCUT})`}
      >
        Stop
      </button>
      <button
        type="button"
        onClick={() => void chat.regenerate()}
        disabled={!canRegenerate || running}
        title="Write the last answer again"
      >
        Regenerate
      </button>
    </div>
  );
}

export function Composer() {
  const { chat } = useServices();
  const [draft, setDraft] = useState('');
  const ready = useAppStore((s) => s.model.status === 'ready');
  const running = useAppStore((s) => isGenerating(s.generation.status));
  const canSend = ready && !running && draft.trim() !== '';

  const send = async () => {
    if (!canSend) return;
    const text = draft;
    setDraft('');
    if (!(await chat.send(text))) setDraft(text);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor="composer-input" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        rows={2}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={ready ? 'Message (Enter to send, Shift+Enter for a new line)' : 'Waiting for the model…'}
      />
      <div className="composer-actions">
        <GenerationControls />
        <button type="submit" className="primary" disabled={!canSend}>
          Send
        </button>
      </div>
      <p className="hint">
        Enter sends · Shift+Enter new line · {STOP_SHORTCUT} stops · {PAUSE_SHORTCUT} pauses/resumes
      </p>
    </form>
  );
}
