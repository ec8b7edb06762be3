/**
 * The slice of OpenTelemetry's tracing and metrics API that Keel uses, typed structurally so
 * that `@opentelemetry/api` stays an optional peer: a real OTel `Tracer` or `Meter` fits these
 * types, and so does Keel's built-in tracer. Numbers follow OTel's enums.
 */

/** An attribute value, as OpenTelemetry accepts it. */
export type AttributeValue = string | number | boolean | string[] | number[];

/** Span attributes; `undefined` entries are skipped. */
export type Attributes = Record<string, AttributeValue | undefined>;

/** OTel's `SpanKind`: `INTERNAL` is 0, `CLIENT` is 2. */
export const SPAN_KIND = Object.freeze({ internal: 0, client: 2 } as const);

/** OTel's `SpanStatusCode`: `OK` is 1, `ERROR` is 2. */
export const SPAN_STATUS = Object.freeze({ unset: 0, ok: 1, error: 2 } as const);

/** What OTel's `span.spanContext()` returns, as far as Keel reads it. */
export interface SpanContextLike {
  traceId: string;
  spanId: string;
}

/** A span, as OpenTelemetry's `Span` (and Keel's built-in tracer) exposes it. */
export interface SpanLike {
  spanContext(): SpanContextLike;
  isRecording(): boolean;
  setAttributes(attributes: Attributes): unknown;
  addEvent(name: string, attributes?: Attributes, time?: number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
}

/** Options of {@link TracerLike.startSpan}, as OpenTelemetry's `SpanOptions`. */
export interface StartSpanOptions {
  kind?: number;
  attributes?: Attributes;
  startTime?: number;
}

/** A tracer: OpenTelemetry's `Tracer` from `trace.getTracer(name)` fits. */
export interface TracerLike {
  startSpan(name: string, options?: StartSpanOptions): SpanLike;
}

/** An instrument of OpenTelemetry's metrics API. */
export interface CounterLike {
  add(value: number, attributes?: Attributes): void;
}
/** A histogram of OpenTelemetry's metrics API. */
export interface HistogramLike {
  record(value: number, attributes?: Attributes): void;
}

/** Instrument options, as OpenTelemetry's `MetricOptions`. */
export interface MetricInstrumentOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/** A meter: OpenTelemetry's `Meter` from `metrics.getMeter(name)` fits. */
export interface MeterLike {
  createCounter(name: string, options?: MetricInstrumentOptions): CounterLike;
  createHistogram(name: string, options?: MetricInstrumentOptions): HistogramLike;
  createGauge?(name: string, options?: MetricInstrumentOptions): HistogramLike;
}

/** The `@opentelemetry/api` module (or any object shaped like it), for `createObservability({ otel })`. */
export interface OpenTelemetryApiLike {
  trace: {
    getTracer(name: string, version?: string): TracerLike;
    /** The span of the current context (OTel's `trace.getActiveSpan()`). */
    getActiveSpan?(): SpanLike | undefined;
  };
  metrics?: { getMeter(name: string, version?: string): MeterLike };
}
