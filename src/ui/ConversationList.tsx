import { useAppStore } from '../state/hooks';
import { useServices } from './services';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function ConversationList() {
  const { chat } = useServices();
  const list = useAppStore((s) => s.chat.list);
  const currentId = useAppStore((s) => s.chat.current.id);
  if (list.length === 0) return <p className="muted">No saved conversations yet.</p>;
  return (
    <ul className="conversations">
      {list.map((c) => (
        <li key={c.id} className={c.id === currentId ? 'current' : undefined}>
          <button
            type="button"
            className="conv-open"
            aria-current={c.id === currentId ? 'true' : undefined}
            onClick={() => void chat.openConversation(c.id)}
          >
            <span className="conv-title">{c.title}</span>
            <span className="conv-meta">
              {dateFormat.format(c.updatedAt)} · {c.messageCount} messages
            </span>
          </button>
          <button
            type="button"
            className="conv-delete"
            aria-label={`Delete conversation: ${c.title}`}
            onClick={() => void chat.deleteConversation(c.id)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
