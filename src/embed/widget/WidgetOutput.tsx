import { memo } from 'react';
import { useAppStore } from '../../state/hooks';
import { EMBED_OWNER } from './session';

/** A finished block never changes, so it renders once; only the growing tail re-renders per frame. */
const Block = memo(function Block({ text }: { text: string }) {
  return <p className="tw-embed__block">{text}</p>;
});

/**
 * The live output of the widget's own generation, read from the app store that the bridge fills
 * once per animation frame. Cost per update is the unfinished tail, not the whole transcript.
 */
export function WidgetOutput() {
  const mine = useAppStore((s) => s.generation.owner === EMBED_OWNER);
  const blocks = useAppStore((s) => s.generation.blocks);
  const tail = useAppStore((s) => s.generation.tail);
  // A reasoning model's thinking is not part of the widget's output (the bridge keeps it out of the
  // blocks); while it thinks, the widget says so instead of sitting empty.
  const thinking = useAppStore((s) => s.generation.thinking !== null && !s.generation.thinking.done);
  return (
    <div className="tw-embed__output" role="log" aria-live="polite" aria-label="Output">
      {mine && thinking && (
        <p className="tw-embed__thinking" role="status">
          Thinking…
        </p>
      )}
      {mine && blocks.map((text, i) => <Block key={i} text={text} />)}
      {mine && tail && <p className="tw-embed__block">{tail}</p>}
    </div>
  );
}
