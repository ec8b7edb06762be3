/**
 * The recent traces of chat turns, each kept whole for the dashboard's span waterfall: the
 * tracer hands every span over as it ends ({@link TraceBuffer.add}, its `onEnd`), spans wait
 * under their trace until the trace's root (the HTTP request's span) ends, and a trace whose
 * root `keep` accepts joins a ring of at most `maxTraces`, the oldest dropped. Every bound is
 * fixed, so memory stays flat however long the server runs: at most `maxTraces` traces waiting
 * and `maxTraces` kept, each of at most `maxSpansPerTrace` spans.
 */
import type { SpanRecord } from '@keel/observability';

/** One request's spans, its root first. */
export interface TraceRecord {
  traceId: string;
  /** The span without a parent: the HTTP request. */
  root: SpanRecord;
  /** Every span kept, the root included, in the order they ended. */
  spans: SpanRecord[];
  /** Spans past `maxSpansPerTrace`, not kept. */
  droppedSpans: number;
}

/** Options of {@link createTraceBuffer}. */
export interface TraceBufferOptions {
  /** Traces kept (and traces waiting for their root); default 200. */
  maxTraces?: number;
  /** Spans kept per trace; default 500. */
  maxSpansPerTrace?: number;
  /** Whether a trace whose root just ended is kept; default every trace. */
  keep?: (root: SpanRecord) => boolean;
}

/** The buffer. */
export interface TraceBuffer {
  /** Takes a span that ended (pass this as the tracer's `onEnd`). */
  add(span: SpanRecord): void;
  /** The traces kept, newest last. */
  traces(): TraceRecord[];
  /** One kept trace. */
  trace(traceId: string): TraceRecord | undefined;
  readonly maxTraces: number;
}

interface Waiting {
  spans: SpanRecord[];
  droppedSpans: number;
}

/** Drops the oldest entries of `map` (insertion order) past `max`. */
function trim(map: Map<string, unknown>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}

/**
 * Creates a trace buffer.
 *
 * @example
 * ```ts
 * const traces = createTraceBuffer({ keep: (root) => root.attributes['http.route'] === '/api/chat' });
 * const tracer = createTracer({ contextStorage, onEnd: traces.add });
 * traces.trace(traceId)?.spans.length; // the turn's spans, once its request ended
 * ```
 */
export function createTraceBuffer({
  maxTraces = 200,
  maxSpansPerTrace = 500,
  keep = () => true,
}: TraceBufferOptions = {}): TraceBuffer {
  const waiting = new Map<string, Waiting>();
  const kept = new Map<string, TraceRecord>();

  function push(into: Waiting, span: SpanRecord): void {
    if (into.spans.length < maxSpansPerTrace) into.spans.push(span);
    else into.droppedSpans++;
  }

  return {
    maxTraces,
    add(span) {
      const done = kept.get(span.traceId);
      // A span ending after its request (work the request left running) joins its trace.
      if (done) return push(done, span);
      const into = waiting.get(span.traceId) ?? { spans: [], droppedSpans: 0 };
      if (span.parentSpanId !== undefined) {
        waiting.set(span.traceId, into);
        trim(waiting, maxTraces);
        return push(into, span);
      }
      waiting.delete(span.traceId);
      if (!keep(span)) return;
      // The root first, whatever the bound dropped.
      const spans = [span, ...into.spans.slice(0, maxSpansPerTrace - 1)];
      const droppedSpans = into.droppedSpans + into.spans.length + 1 - spans.length;
      kept.set(span.traceId, { traceId: span.traceId, root: span, spans, droppedSpans });
      trim(kept, maxTraces);
    },
    traces: () => [...kept.values()],
    trace: (traceId) => kept.get(traceId),
  };
}
