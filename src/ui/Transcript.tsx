import { Fragment, type MouseEvent } from 'react';
import { evictionNotice } from '../state/context-window';
import { useAppStore } from '../state/hooks';
import { remoteHostOf } from '../state/model-slice';
import { CommittedMessage, LiveMessage } from './MessageView';
import { useAutoScroll } from './useAutoScroll';

function copyCode(event: MouseEvent<HTMLElement>) {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-copy-code]');
  const code = button?.parentElement?.querySelector('pre')?.textContent;
  if (!button || code === undefined || code === null) return;
  void navigator.clipboard?.writeText(code).then(
    () => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    },
    () => (button.textContent = 'Copy failed'),
  );
}

function EmptyState() {
  const status = useAppStore((s) => s.model.status);
  const remoteHost = useAppStore((s) => remoteHostOf(s.model));
  return (
    <div className="empty">
      <h2>Ask anything</h2>
      <p>
        {remoteHost
          ? `Remote server: what you type is sent to ${remoteHost}.`
          : 'The model runs in this tab: nothing you type leaves your device.'}{' '}
        {status === 'ready'
          ? 'Type a message below.'
          : status === 'loading'
            ? 'The model is getting ready…'
            : 'Load a model in Settings to start.'}
      </p>
    </div>
  );
}

export function Transcript() {
  const messages = useAppStore((s) => s.chat.current.messages);
  const { scrollerRef, contentRef, detached, scrollToBottom } = useAutoScroll();
  // One notice, above the first message still in the context (the rest stay shown, marked).
  const notice = evictionNotice(messages);
  const firstInContext = notice ? messages.findIndex((m) => !m.outOfContext) : -1;

  return (
    <div className="transcript-wrap">
      {/* Focusable so the keyboard can scroll it while nothing inside can take focus (e.g. paused mid-answer). */}
      <div
        className="transcript"
        ref={scrollerRef}
        onClick={copyCode}
        tabIndex={0}
        role="region"
        aria-label="Transcript"
      >
        <div role="log" aria-label="Conversation" aria-live="off" ref={contentRef} className="transcript-inner">
          {messages.length === 0 && <EmptyState />}
          {messages.map((m, i) => (
            <Fragment key={m.id}>
              {i === firstInContext && (
                <p className="context-notice" role="status">
                  {notice}
                </p>
              )}
              {m.status === 'streaming' ? <LiveMessage entry={m} /> : <CommittedMessage entry={m} />}
            </Fragment>
          ))}
        </div>
      </div>
      {detached && (
        <button type="button" className="jump" onClick={scrollToBottom}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}
