import { analyticsReport } from '../streams/analytics';
import { eventLogFor } from '../streams/event-log';
import { displayFilter } from '../streams/filters';
import { toSseTranscript } from '../streams/sse';
import { useAppStoreApi } from '../state/hooks';
import { downloadText, fileStamp } from './download';
import { useServices } from './services';

/**
 * Downloads what the event log captured: the raw events as NDJSON plus the performance
 * and session analytics as JSON ("Export analytics"), or the last answer as an
 * OpenAI-style SSE transcript, with the display filters applied ("Export SSE").
 */
export function ExportButton() {
  const { bridge } = useServices();
  const store = useAppStoreApi();
  const log = eventLogFor(bridge);

  const exportAnalytics = () => {
    const stamp = fileStamp();
    downloadText(`typewriter-events-${stamp}.ndjson`, log.toNdjson(), 'application/x-ndjson');
    const report = analyticsReport(log.generations);
    downloadText(`typewriter-analytics-${stamp}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  };

  const exportSse = () => {
    const last = log.generations.at(-1);
    if (!last) return;
    const sse = toSseTranscript(last, displayFilter(store.getState().settings));
    downloadText(`typewriter-transcript-${fileStamp()}.sse`, sse, 'text/event-stream');
  };

  return (
    <div className="export-actions">
      <button type="button" onClick={exportAnalytics}>
        Export analytics
      </button>
      <button type="button" onClick={exportSse}>
        Export SSE transcript
      </button>
    </div>
  );
}
