import { createTracer, type SpanRecord } from '@keel/observability';
import { describe, expect, it } from 'vitest';
import { createRequestTimeline } from './request-timeline';
import { createTraceBuffer } from './trace-buffer';

/** A finished span of `traceId`; a root when `parent` is absent. */
function span(
  traceId: string,
  spanId: string,
  {
    parent,
    route,
    status = 200,
    at = 0,
  }: { parent?: string; route?: string; status?: number; at?: number } = {},
): SpanRecord {
  return {
    traceId,
    spanId,
    ...(parent !== undefined && { parentSpanId: parent }),
    name: parent === undefined ? 'HTTP POST' : 'child',
    kind: 'internal',
    startTime: at,
    endTime: at + 5,
    attributes: {
      ...(route !== undefined && { 'http.route': route, 'http.response.status_code': status }),
    },
    events: [],
    status: 'unset',
  };
}

describe('createTraceBuffer', () => {
  it('keeps a trace whole once its root ends, the root first', () => {
    const traces = createTraceBuffer();
    traces.add(span('t1', 'b', { parent: 'a' }));
    expect(traces.trace('t1')).toBeUndefined();
    traces.add(span('t1', 'a'));
    traces.add(span('t1', 'c', { parent: 'a' }));
    expect(traces.trace('t1')?.spans.map((s) => s.spanId)).toEqual(['a', 'b', 'c']);
  });

  it('holds at most maxTraces traces, kept or waiting, dropping the oldest', () => {
    const traces = createTraceBuffer({ maxTraces: 3 });
    for (let i = 0; i < 10; i++) {
      traces.add(span(`t${i}`, 'child', { parent: 'root' }));
      traces.add(span(`t${i}`, 'root'));
      // Traces whose root never ends wait in a bounded queue too.
      traces.add(span(`open${i}`, 'child', { parent: 'root' }));
    }
    expect(traces.traces().map((t) => t.traceId)).toEqual(['t7', 't8', 't9']);
    traces.add(span('open0', 'root'));
    expect(traces.trace('open0')?.spans).toHaveLength(1);
    traces.add(span('open9', 'root'));
    expect(traces.trace('open9')?.spans).toHaveLength(2);
    expect(traces.traces()).toHaveLength(3);
  });

  it('keeps at most maxSpansPerTrace spans of a trace and counts the rest', () => {
    const traces = createTraceBuffer({ maxSpansPerTrace: 4 });
    for (let i = 0; i < 10; i++) traces.add(span('t', `s${i}`, { parent: 'root' }));
    traces.add(span('t', 'root'));
    traces.add(span('t', 'late', { parent: 'root' }));
    const kept = traces.trace('t');
    expect(kept?.spans.map((s) => s.spanId)).toEqual(['root', 's0', 's1', 's2']);
    expect(kept?.droppedSpans).toBe(8);
  });

  it('keeps only the traces `keep` accepts', () => {
    const traces = createTraceBuffer({
      keep: (root) => root.attributes['http.route'] === '/api/chat',
    });
    traces.add(span('page', 'a', { route: '/static' }));
    traces.add(span('turn', 'b', { route: '/api/chat' }));
    expect(traces.traces().map((t) => t.traceId)).toEqual(['turn']);
  });

  it("takes the built-in tracer's spans through onEnd", () => {
    const traces = createTraceBuffer();
    const tracer = createTracer({ onEnd: traces.add });
    const root = tracer.startSpan('HTTP POST');
    tracer.startSpan('retrieval', { parent: root }).end();
    root.end();
    expect(traces.traces()[0]?.spans.map((s) => s.name)).toEqual(['HTTP POST', 'retrieval']);
  });
});

describe('createRequestTimeline', () => {
  it('counts requests, 5xx and 429s per bucket, and keeps only the last buckets', () => {
    const timeline = createRequestTimeline({
      bucketMs: 1_000,
      buckets: 3,
      counts: (route) => route !== '/static',
    });
    timeline.add(span('a', 'a', { route: '/api/chat', at: 0 }));
    timeline.add(span('b', 'b', { route: '/api/chat', status: 429, at: 100 }));
    timeline.add(span('c', 'c', { route: '/static', at: 200 }));
    timeline.add(span('d', 'd', { route: '/api/usage', status: 500, at: 2_100 }));
    expect(timeline.points(2_500)).toEqual([
      { at: 0, requests: 2, errors: 0, rateLimited: 1 },
      { at: 1_000, requests: 0, errors: 0, rateLimited: 0 },
      { at: 2_000, requests: 1, errors: 1, rateLimited: 0 },
    ]);
    timeline.add(span('e', 'e', { route: '/api/chat', at: 9_000 }));
    expect(timeline.points(9_500).map((point) => point.requests)).toEqual([0, 0, 1]);
  });
});
