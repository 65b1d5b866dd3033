import { memo, useMemo } from 'react';
import { renderMarkdown } from './markdown';

/** One markdown block. Memoized on its text, so a finished block is parsed and rendered exactly once. */
export const MarkdownBlock = memo(function MarkdownBlock({
  source,
  className,
}: {
  source: string;
  className?: string;
}) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className={className ?? 'md-block'} dangerouslySetInnerHTML={{ __html: html }} />;
});
