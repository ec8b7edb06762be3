/**
 * A kept trace as the dashboard draws it: its spans in tree order (each after its parent,
 * siblings by start), each with its kind of work, its depth, and its start and duration in
 * milliseconds from the request's start, with the attributes and events the span recorded.
 */
import { type Attributes, GEN_AI, KEEL, type SpanRecord } from '@keel/observability';
import type { TraceRecord } from './trace-buffer';
import { isModelSpan, summarizeTurn, type TurnSummary } from './turn-summary';

/** What a span's work was. */
export type SpanCategory = 'request' | 'retrieval' | 'model' | 'tool' | 'storage' | 'other';

/** One bar of the waterfall. */
export interface WaterfallSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  category: SpanCategory;
  depth: number;
  /** From the request's start. */
  offsetMs: number;
  durationMs: number;
  status: SpanRecord['status'];
  statusMessage?: string;
  attributes: Attributes;
  events: { name: string; offsetMs: number; attributes?: Attributes }[];
}

/** What `GET /api/dashboard/traces/:id` returns. */
export interface Waterfall {
  turn: TurnSummary;
  spans: WaterfallSpan[];
  droppedSpans: number;
}

/** The kind of work a span did, from the attributes its observer set. */
export function spanCategory(span: SpanRecord): SpanCategory {
  if (span.parentSpanId === undefined) return 'request';
  if (isModelSpan(span)) return 'model';
  const operation = span.attributes[GEN_AI.operationName];
  if (operation === 'execute_tool') return 'tool';
  if (operation === 'retrieval' || span.attributes[KEEL.retrievalMode] !== undefined)
    return 'retrieval';
  if (span.attributes['db.system.name'] !== undefined) return 'storage';
  return 'other';
}

/**
 * The waterfall of a kept trace.
 *
 * @example
 * ```ts
 * const { spans } = traceWaterfall(traces.trace(traceId)!);
 * spans[0].category; // 'request'; then retrieval, model, tool and storage spans beneath it
 * ```
 */
export function traceWaterfall(trace: TraceRecord): Waterfall {
  const { root, spans } = trace;
  const children = new Map<string, SpanRecord[]>();
  const ids = new Set(spans.map((span) => span.spanId));
  for (const span of spans) {
    if (span === root) continue;
    // A span whose parent was not kept hangs under the request.
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId)
        ? span.parentSpanId
        : root.spanId;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: WaterfallSpan[] = [];
  const visit = (span: SpanRecord, depth: number) => {
    out.push({
      spanId: span.spanId,
      ...(span.parentSpanId !== undefined && { parentSpanId: span.parentSpanId }),
      name: span.name,
      category: spanCategory(span),
      depth,
      offsetMs: span.startTime - root.startTime,
      durationMs: (span.endTime ?? span.startTime) - span.startTime,
      status: span.status,
      ...(span.statusMessage !== undefined && { statusMessage: span.statusMessage }),
      attributes: span.attributes,
      events: span.events.map((event) => ({
        name: event.name,
        offsetMs: event.time - root.startTime,
        ...(event.attributes && { attributes: event.attributes }),
      })),
    });
    const below = (children.get(span.spanId) ?? []).sort((a, b) => a.startTime - b.startTime);
    for (const child of below) visit(child, depth + 1);
  };
  visit(root, 0);
  return { turn: summarizeTurn(trace), spans: out, droppedSpans: trace.droppedSpans };
}
