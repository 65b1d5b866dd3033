/**
 * Main-thread time by stage from a Chromium performance trace (devtools.timeline): what each
 * rendered frame of a stream costs in script, style, layout, paint and compositing.
 */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface TraceProfile {
  /** Busy main-thread ms over the traced span (top-level tasks). */
  totalMs: number;
  /** Ms by stage; script includes work nested in it (forced style or layout inside a handler). */
  stagesMs: Record<string, number>;
}

const STAGES: Record<string, string> = {
  FunctionCall: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  RunMicrotasks: 'script',
  EventDispatch: 'script',
  'v8.callFunction': 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'pre-paint',
  Paint: 'paint',
  Layerize: 'layerize',
  UpdateLayer: 'layerize',
  UpdateLayerTree: 'layerize',
  ParseHTML: 'HTML parse',
  HitTest: 'hit test',
  CommitLoad: 'other',
};

export function profileTrace(buffer: Buffer): TraceProfile {
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // The page's renderer main thread is the one that ran the most tasks.
  let best: { pid: number; tid: number; ms: number } | null = null;
  for (const m of mains) {
    const ms = events
      .filter((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask' && e.ph === 'X')
      .reduce((sum, e) => sum + (e.dur ?? 0) / 1000, 0);
    if (!best || ms > best.ms) best = { pid: m.pid, tid: m.tid, ms };
  }
  if (!best) return { totalMs: 0, stagesMs: {} };
  const own = events
    .filter((e) => e.pid === best.pid && e.tid === best.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts);
  const stagesMs: Record<string, number> = {};
  // Per stage, count only outermost events, so nested calls of the same stage are not counted twice.
  const openUntil: Record<string, number> = {};
  for (const e of own) {
    const stage = STAGES[e.name];
    if (!stage) continue;
    if ((openUntil[stage] ?? -1) > e.ts) continue;
    openUntil[stage] = e.ts + (e.dur ?? 0);
    stagesMs[stage] = (stagesMs[stage] ?? 0) + (e.dur ?? 0) / 1000;
  }
  return { totalMs: best.ms, stagesMs };
}
