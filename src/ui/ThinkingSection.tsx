import { memo } from 'react';
import { useAppStore } from '../state/hooks';

/** A finished block of thinking never changes, so it renders once. Plain text: thinking is not markdown-rendered. */
const ThinkingBlock = memo(function ThinkingBlock({ text }: { text: string }) {
  return <p className="thinking-block">{text}</p>;
});

/**
 * A reasoning model's thinking, collapsed under "Thinking" (a disclosure the user may open), kept
 * apart from the answer: it is not rendered as markdown, and the JSON view and analysis never see it.
 */
export function ThinkingSection({
  blocks,
  tail,
  live,
  done,
}: {
  blocks: readonly string[];
  tail: string;
  live: boolean;
  done: boolean;
}) {
  const state = live && !done ? 'thinking' : done ? 'done' : 'unfinished';
  return (
    <details className="thinking" aria-label="Thinking" data-thinking={state}>
      <summary>
        Thinking
        {state === 'thinking' && <span className="thinking-status">…</span>}
        {state === 'unfinished' && <span className="thinking-status"> (unfinished)</span>}
      </summary>
      <div className="thinking-text">
        {blocks.map((b, i) => (
          <ThinkingBlock key={i} text={b} />
        ))}
        {tail && <p className="thinking-block thinking-tail">{tail}</p>}
      </div>
    </details>
  );
}

/** The live generation's Thinking section; re-renders only when the thinking changed in a frame. */
export function LiveThinking() {
  const thinking = useAppStore((s) => s.generation.thinking);
  if (!thinking) return null;
  return <ThinkingSection blocks={thinking.blocks} tail={thinking.tail} live done={thinking.done} />;
}
