import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/hooks';
import type { WidgetSession } from './session';

interface Props {
  session: WidgetSession;
  showInput: boolean;
}

/** Pause/Resume and Stop (same accessible names as the main app), plus the optional Message box. */
export function WidgetControls({ session, showInput }: Props) {
  const phase = useAppStore((s) => s.widget.phase);
  const [draft, setDraft] = useState('');
  const running = phase === 'generating' || phase === 'paused';
  const canSend = !running && phase !== 'loading' && draft.trim() !== '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canSend) return;
    session.send(draft);
    setDraft('');
  };

  return (
    <div className="tw-embed__controls">
      {showInput && (
        <form className="tw-embed__composer" onSubmit={submit}>
          <input
            type="text"
            aria-label="Message"
            placeholder="Message"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" disabled={!canSend}>
            Send
          </button>
        </form>
      )}
      <button
        type="button"
        disabled={!running}
        onClick={() => void session.control(phase === 'paused' ? 'resume' : 'pause')}
      >
        {phase === 'paused' ? 'Resume' : 'Pause'}
      </button>
      <button type="button" disabled={!running} onClick={() => void session.control('stop')}>
        Stop
      </button>
    </div>
  );
}
