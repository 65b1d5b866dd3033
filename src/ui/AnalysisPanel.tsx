import './stream-tools.css';
import type { TextAnalysis } from '../streams/analysis';
import { useAppStore } from '../state/hooks';
import { ExportButton } from './ExportButton';

export function formatAnalysis(a: TextAnalysis) {
  return {
    words: String(a.words),
    unique: String(a.uniqueWords),
    sentences: String(a.sentences),
    avg: a.averageWordLength.toFixed(1),
    cps: a.charsPerSecond === null ? '—' : a.charsPerSecond.toFixed(a.charsPerSecond >= 100 ? 0 : 1),
  };
}

/** Live text analysis of the current (or last) answer, beside the engine stats; and the export. */
export function AnalysisPanel() {
  const analysis = useAppStore((s) => s.generation.analysis);
  const f = analysis ? formatAnalysis(analysis) : null;
  const cells: [label: string, key: string, value: string | undefined][] = [
    ['Words', 'words', f?.words],
    ['Unique words', 'unique-words', f?.unique],
    ['Sentences', 'sentences', f?.sentences],
    ['Avg word length', 'avg-word-length', f?.avg],
    ['Chars/s', 'chars-per-second', f?.cps],
  ];
  return (
    <section className="analysis" aria-label="Stream analysis">
      <dl className="analysis-grid">
        {cells.map(([label, key, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-analysis={key}>{value ?? '—'}</dd>
          </div>
        ))}
      </dl>
      <ExportButton />
    </section>
  );
}
