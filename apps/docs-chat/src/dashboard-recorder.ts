/**
 * What the dashboard keeps in process, fed by the tracer as each span ends: the chat turns'
 * whole traces (not refusals) (a bounded ring, for the waterfalls, the latency percentiles and the top
 * lists) and the request timeline (requests, errors and 429s per 10 s). Static files, probes,
 * scrapes and the dashboard's own polling are left off the timeline, so watching it does not
 * change it.
 */
import type { SpanRecord } from '@keel/observability';
import { createRequestTimeline, type RequestTimeline } from './request-timeline';
import { createTraceBuffer, type TraceBuffer } from './trace-buffer';

/** The dashboard's in-process records. */
export interface DashboardRecorder {
  readonly traces: TraceBuffer;
  readonly requests: RequestTimeline;
  /** Pass this as the tracer's `onEnd`. */
  onEnd(span: SpanRecord): void;
}

/** Routes that are not traffic: files, probes, scrapes and the dashboard itself. */
const NOT_TRAFFIC = new Set(['/static', '/healthz', '/metrics']);

/** The route a turn's request is traced under. */
const CHAT_ROUTE = '/api/chat';

/**
 * Creates the recorder.
 *
 * @example
 * ```ts
 * const dashboard = createDashboardRecorder();
 * const tracer = createTracer({ contextStorage, onEnd: dashboard.onEnd });
 * dashboard.traces.traces(); // the recent turns, once their requests ended
 * ```
 */
export function createDashboardRecorder({
  maxTraces = 200,
}: {
  /** Turns kept; default 200. */
  maxTraces?: number;
} = {}): DashboardRecorder {
  const traces = createTraceBuffer({
    maxTraces,
    // A refusal (4xx) never reached a turn: nothing to draw.
    keep: (root) => {
      const status = Number(root.attributes['http.response.status_code']);
      return root.attributes['http.route'] === CHAT_ROUTE && (status < 400 || status >= 500);
    },
  });
  const requests = createRequestTimeline({
    counts: (route) => !NOT_TRAFFIC.has(route) && !route.startsWith('/api/dashboard'),
  });
  return {
    traces,
    requests,
    onEnd(span) {
      traces.add(span);
      if (span.parentSpanId === undefined) requests.add(span);
    },
  };
}
