import { useEffect, useRef, useState } from 'react';
import { useAppStoreApi } from '../state/hooks';

/** Screen readers get new text in chunks at most this often, not a token at a time. */
export const ANNOUNCE_INTERVAL_MS = 2000;

/**
 * A visually hidden polite live region. The transcript itself is aria-live
 * "off" so that tokens are not announced one by one.
 */
export function LiveAnnouncer() {
  const store = useAppStoreApi();
  const [message, setMessage] = useState('');
  const announced = useRef({ requestId: null as string | null, length: 0, status: '' });

  useEffect(() => {
    const tick = () => {
      const g = store.getState().generation;
      const seen = announced.current;
      if (g.requestId !== seen.requestId) {
        announced.current = { requestId: g.requestId, length: 0, status: '' };
      }
      // The answer only: the thinking is collapsed, and announcing it would drown the answer.
      const fresh = g.answer.slice(announced.current.length);
      const statusChanged = g.status !== announced.current.status;
      let next = fresh.trim();
      if (statusChanged && g.status === 'paused') next = `${next} Paused.`.trim();
      if (statusChanged && g.status === 'done')
        next = `${next} ${g.finishReason === 'stopped' ? 'Stopped.' : 'Done.'}`.trim();
      if (statusChanged && g.status === 'error') next = `${next} Generation failed.`.trim();
      announced.current.length = g.answer.length;
      announced.current.status = g.status;
      if (next) setMessage(next);
    };
    const timer = setInterval(tick, ANNOUNCE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [store]);

  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}
