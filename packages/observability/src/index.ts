/**
 * @keel/observability: tracing on the OpenTelemetry GenAI conventions, structured JSON logs,
 * redaction on by default, metrics with Prometheus text, and a spend guard.
 */
export { GEN_AI, KEEL, METRICS } from './attributes';
export {
  type BreakerLike,
  type BreakerState,
  createObservability,
  type Observability,
  type ObservabilityOptions,
} from './create-observability';
export { type InstrumentOptions, instrument } from './instrument';
export { type LoadOpenTelemetryOptions, loadOpenTelemetry } from './load-open-telemetry';
export {
  type JsonLinesSinkOptions,
  jsonLinesSink,
  type LogRecord,
  type LogSink,
  type MemorySink,
  memorySink,
  type PinoLike,
  pinoSink,
} from './log-sink';
export { METRIC_DESCRIPTORS, type MetricDescriptor, type MetricKind } from './metric-descriptors';
export {
  createMetricsRegistry,
  type Labels,
  type MetricsRecorder,
  type MetricsRegistry,
  type MetricsRegistryOptions,
  type SeriesSnapshot,
} from './metrics-registry';
export { otelMetricsRecorder } from './otel-metrics';
export {
  createOutputGuard,
  type OutputGuard,
  type OutputGuardDecision,
  type OutputGuardDecisionKind,
  type OutputGuardOptions,
  type OutputTextGuard,
} from './output-guard';
export type { RecordContent } from './recorder';
export {
  createRedactor,
  DEFAULT_SENSITIVE_KEYS,
  type RedactOptions,
  type Redactor,
  redact,
} from './redact';
export { DEFAULT_REDACTION_RULES, RANDOM_TOKEN_RULE, type RedactionRule } from './redaction-rules';
export type {
  Attributes,
  AttributeValue,
  CounterLike,
  HistogramLike,
  MeterLike,
  MetricInstrumentOptions,
  OpenTelemetryApiLike,
  SpanContextLike,
  SpanLike,
  StartSpanOptions,
  TracerLike,
} from './span-types';
export {
  createSpendGuard,
  type SpendExceededEvent,
  type SpendGuard,
  type SpendGuardOptions,
  type SpendLimit,
} from './spend-guard';
export {
  type ContextStorage,
  createTracer,
  type SpanNode,
  type SpanRecord,
  type Tracer,
  type TracerOptions,
  type TracerStartOptions,
} from './tracer';
