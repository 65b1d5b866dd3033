import { useCallback, useEffect, useRef, useState } from 'react';

/** Within this many pixels of the bottom counts as "at the bottom", so a sub-pixel drift does not unstick. */
const STICK_THRESHOLD_PX = 48;

/**
 * Follows new content while the user is at the bottom; scrolling up detaches
 * (and offers "Jump to latest"). Growth is observed with a ResizeObserver,
 * which fires at most once per frame, not per token.
 */
export function useAutoScroll() {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);
  const [detached, setDetached] = useState(false);

  const scrollToBottom = useCallback(() => {
    const el = scrollerRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    stuck.current = true;
    setDetached(false);
  }, []);

  useEffect(() => {
    const el = scrollerRef.current;
    const inner = contentRef.current;
    if (!el || !inner) return;
    const onScroll = () => {
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_THRESHOLD_PX;
      stuck.current = atBottom;
      setDetached(!atBottom);
    };
    const follow = () => {
      if (stuck.current) el.scrollTop = el.scrollHeight;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(follow);
    observer?.observe(inner);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
    };
  }, []);

  return { scrollerRef, contentRef, detached, scrollToBottom };
}
