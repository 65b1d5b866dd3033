import { memo, useMemo } from 'react';
import { splitBlocks } from '../streams/blocks';
import { splitThinking } from '../streams/think';
import type { ChatEntry } from '../state/chat-slice';
import { analyzeText } from '../streams/analysis';
import { applyFilter, displayFilter } from '../streams/filters';
import { useAppStore } from '../state/hooks';
import { formatAnalysis } from './AnalysisPanel';
import { formatDuration, formatRate } from './format';
import { JsonView, LiveJsonView } from './JsonView';
import { MarkdownBlock } from './MarkdownBlock';
import { LiveThinking, ThinkingSection } from './ThinkingSection';
import { UserMessage } from './UserMessage';

const REASON_TEXT = {
  eos: 'finished',
  length: 'reached max tokens',
  'stop-sequence': 'hit a stop sequence',
  stopped: 'stopped',
} as const;

function MessageFooter({ entry, answer }: { entry: ChatEntry; answer: string }) {
  const { stats } = entry;
  return (
    <footer className="msg-footer">
      {entry.status === 'stopped' && <span className="badge badge-stopped">Stopped — partial answer</span>}
      {entry.status === 'error' && <span className="badge badge-error">{entry.error ?? 'Failed'}</span>}
      {stats && (
        <span className="msg-stats">
          {stats.tokens} tokens · {formatRate(stats.averageDecodeTokPerS)} · TTFT {formatDuration(stats.ttftMs)}
          {entry.reason && entry.status !== 'stopped' ? ` · ${REASON_TEXT[entry.reason]}` : ''}
          {stats.prefilledTokens !== undefined &&
            ` · prompt ${stats.promptTokens} (${stats.reusedTokens ?? 0} reused, ${stats.prefilledTokens} prefilled${stats.reuseMiss === 'eviction' ? ': older turns were left out, so the whole prompt was new' : ''})`}
        </span>
      )}
      {answer && <MessageAnalysis entry={entry} answer={answer} />}
    </footer>
  );
}

/** Words, sentences and chars/s of a finished answer (its raw text, thinking excluded), computed once. */
function MessageAnalysis({ entry, answer }: { entry: ChatEntry; answer: string }) {
  const elapsedMs = entry.stats?.elapsedMs ?? null;
  const f = useMemo(() => formatAnalysis(analyzeText(answer, elapsedMs)), [answer, elapsedMs]);
  return (
    <span className="msg-analysis" aria-label="Answer analysis">
      {f.words} words · {f.unique} unique · {f.sentences} sentences · avg {f.avg} chars/word · {f.cps} chars/s
    </span>
  );
}

/** A message whose text is final: filtered, split and rendered once (again only if the display filters change). */
export const CommittedMessage = memo(function CommittedMessage({ entry }: { entry: ChatEntry }) {
  const redactWords = useAppStore((s) => s.settings.redactWords);
  const normalizeWhitespace = useAppStore((s) => s.settings.normalizeWhitespace);
  // A reasoning model's `<think>…</think>` goes to the Thinking section, split exactly as it streamed.
  const parts = useMemo(
    () => (entry.role === 'assistant' ? splitThinking(entry.content) : null),
    [entry.role, entry.content],
  );
  const answer = parts?.answer ?? '';
  const shown = useMemo(() => {
    if (!parts) return null;
    const filter = () => displayFilter({ redactWords, normalizeWhitespace });
    return {
      answer: applyFilter(filter(), parts.answer),
      thinking: parts.thinking ? applyFilter(filter(), parts.thinking) : null,
    };
  }, [parts, redactWords, normalizeWhitespace]);
  const blocks = useMemo(() => splitBlocks(shown?.answer ?? ''), [shown]);
  const thinkingBlocks = useMemo(() => (shown?.thinking ? splitBlocks(shown.thinking) : null), [shown]);
  return (
    <article
      className={`msg msg-${entry.role}${entry.outOfContext ? ' msg-out-of-context' : ''}`}
      data-role={entry.role}
      data-status={entry.status}
      data-context={entry.outOfContext ? 'out' : 'in'}
      aria-label={entry.role === 'user' ? 'You' : 'Assistant'}
    >
      {entry.outOfContext && <span className="badge badge-out-of-context">Outside the context</span>}
      {entry.role === 'user' ? (
        <UserMessage entry={entry} />
      ) : (
        <>
          {thinkingBlocks && (
            <ThinkingSection blocks={thinkingBlocks} tail="" live={false} done={parts?.thinkingDone ?? false} />
          )}
          {blocks.map((b, i) => (
            <MarkdownBlock key={i} source={b} />
          ))}
        </>
      )}
      {entry.role === 'assistant' && <JsonView text={answer} />}
      {entry.role === 'assistant' && <MessageFooter entry={entry} answer={answer} />}
    </article>
  );
});

/** Re-renders only when a block finishes (rare), never per token. */
const FinishedBlocks = memo(function FinishedBlocks() {
  const blocks = useAppStore((s) => s.generation.blocks);
  return blocks.map((b, i) => <MarkdownBlock key={i} source={b} />);
});

/**
 * The growing block, as plain text: a text-node update per frame, with no markdown parse, no
 * sanitize and no innerHTML. It becomes markdown once it is complete (a finished block).
 */
function TailBlock() {
  const tail = useAppStore((s) => s.generation.tail);
  return <div className="md-block md-tail">{tail}</div>;
}

/** The assistant message being written, read straight from the live generation state. */
export function LiveMessage({ entry }: { entry: ChatEntry }) {
  const status = useAppStore((s) => s.generation.status);
  const remote = useAppStore((s) => s.model.result?.backend === 'remote');
  const paused = status === 'paused';
  return (
    <article
      className={`msg msg-assistant is-streaming${paused ? ' is-paused' : ''}`}
      data-role="assistant"
      data-status={paused ? 'paused' : 'streaming'}
      aria-label="Assistant"
      aria-busy="true"
      data-entry={entry.id}
    >
      <LiveThinking />
      <FinishedBlocks />
      <TailBlock />
      <LiveJsonView />
      {paused && <span className="badge badge-paused">Paused</span>}
      {paused && remote && (
        <small className="paused-note">
          Paused reading: the server may keep generating until Stop, and the rest shows on Resume.
        </small>
      )}
    </article>
  );
}
