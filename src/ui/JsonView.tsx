import { useMemo, useState } from 'react';
import { displayFilter, type DisplayFilterSettings } from '../streams/filters';
import { JsonAnswerTracker, type JsonAnswerState } from '../streams/json-answer';
import { useAppStore } from '../state/hooks';

function JsonPanel({ state }: { state: JsonAnswerState }) {
  if (state.kind !== 'json') return null;
  const json = state;
  const status = json.error ? 'invalid' : json.complete ? 'complete' : 'partial';
  return (
    <details className="json-view" open data-json-status={status}>
      <summary>JSON view {status === 'complete' ? '' : `(${status})`}</summary>
      <pre aria-label="JSON view">{json.pretty}</pre>
      {json.error && <p className="field-error">{json.error}</p>}
    </details>
  );
}

const useFilterSettings = (): DisplayFilterSettings => {
  const redactWords = useAppStore((s) => s.settings.redactWords);
  const normalizeWhitespace = useAppStore((s) => s.settings.normalizeWhitespace);
  return useMemo(() => ({ redactWords, normalizeWhitespace }), [redactWords, normalizeWhitespace]);
};

function LiveJson() {
  const text = useAppStore((s) => s.generation.answer);
  const settings = useFilterSettings();
  const [tracker] = useState(() => new JsonAnswerTracker(() => displayFilter(settings)));
  return <JsonPanel state={tracker.update(text)} />;
}

/** The streaming answer's partial JSON, read incrementally from the live text (only its new part each frame). */
export function LiveJsonView() {
  const requestId = useAppStore((s) => s.generation.requestId);
  return <LiveJson key={requestId} />;
}

/** A finished answer's JSON, parsed once. */
export function JsonView({ text }: { text: string }) {
  const settings = useFilterSettings();
  const state = useMemo(
    () => new JsonAnswerTracker(() => displayFilter(settings)).update(text, true),
    [text, settings],
  );
  return <JsonPanel state={state} />;
}
