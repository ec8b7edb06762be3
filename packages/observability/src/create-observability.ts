/**
 * The implementation of core's `Instrumentation`: every model call, tool call and retrieval
 * becomes a span on the GenAI conventions, one redacted JSON log record, metrics (OTel and/or
 * the in-process registry) and, for model calls, an entry in the spend guard.
 */
import { type CallObserver, type Clock, type Instrumentation, systemClock } from '@keel/core';
import { METRICS } from './attributes';
import { jsonLinesSink, type LogSink } from './log-sink';
import {
  createMetricsRegistry,
  type MetricsRecorder,
  type MetricsRegistry,
} from './metrics-registry';
import { observeModelCall } from './observe-model-call';
import { observeRetrieval } from './observe-retrieval';
import { observeToolCall } from './observe-tool-call';
import { otelMetricsRecorder } from './otel-metrics';
import { createOutputGuard, type OutputGuard, type OutputGuardOptions } from './output-guard';
import { createRecorder, type RecordContent } from './recorder';
import { createRedactor, type RedactOptions, type Redactor } from './redact';
import type { MeterLike, OpenTelemetryApiLike, TracerLike } from './span-types';
import type { SpendGuard } from './spend-guard';
import { createTracer } from './tracer';

/** Options of {@link createObservability}. */
export interface ObservabilityOptions {
  /**
   * Where spans go: an OpenTelemetry `Tracer`, Keel's built-in tracer (`createTracer()`), or
   * `false` for none. Default: the tracer of `otel` when given, else a built-in tracer.
   */
  tracer?: TracerLike | false;
  /**
   * The `@opentelemetry/api` module (see `loadOpenTelemetry`): spans and metrics then go
   * through whatever SDK the app registered.
   */
  otel?: OpenTelemetryApiLike;
  /** An OpenTelemetry `Meter`; default: the meter of `otel`, if given. */
  meter?: MeterLike;
  /** Where log records go; default JSON lines on stdout; `false` for none. */
  logger?: LogSink | false;
  /**
   * The in-process metrics registry. Default: a new one when there is no OTel meter (pass one
   * to have both); `false` for none.
   */
  metrics?: MetricsRegistry | false;
  /**
   * Redaction of everything that leaves: on by default with the default rules. `false` turns
   * the rules off (strings are still truncated, cycles and buffers still handled).
   */
  redaction?: RedactOptions | false;
  /**
   * Record prompt and completion content (off by default): `true` for every call, a list of
   * `metadata.feature` names, or a predicate on the call's metadata. Content is recorded only
   * when the layer also passed it (its own opt-in).
   */
  recordContent?: RecordContent;
  /** Receives the cost of every model call. */
  spendGuard?: SpendGuard;
  clock?: Clock;
}

/** A circuit breaker as `@keel/resilience` exposes it (typed structurally). */
export interface BreakerLike {
  readonly state: BreakerState;
  onBreak(listener: () => void): () => void;
  onHalfOpen(listener: () => void): () => void;
  onReset(listener: () => void): () => void;
}

/** A circuit breaker's state. */
export type BreakerState = 'closed' | 'half-open' | 'open';

const BREAKER_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

const NOOP_OBSERVER: CallObserver<never> = { end() {} };

/** A `start*` hook that never throws into the work: on a failure, that work goes unobserved. */
function neverThrowing<Start, End>(
  observe: (start: Start) => CallObserver<End>,
): (start: Start) => CallObserver<End> {
  return function startObserving(start) {
    try {
      return observe(start);
    } catch {
      return NOOP_OBSERVER;
    }
  };
}

/** The object {@link createObservability} returns: an `Instrumentation`, and more. */
export interface Observability extends Required<Instrumentation> {
  /** The tracer spans go to (`undefined` when tracing is off). */
  readonly tracer: TracerLike | undefined;
  /** The in-process registry (`undefined` when off, by default when metrics go to OTel). */
  readonly metrics: MetricsRegistry | undefined;
  /** The redactor every record goes through. */
  readonly redact: Redactor;
  /** Sets the `keel.breaker.state` gauge of one breaker. */
  recordBreakerState(key: string, state: BreakerState): void;
  /** Follows a breaker's state from now on; returns a function that stops. */
  watchBreaker(breaker: BreakerLike, key: string): () => void;
  /**
   * An output guard that reports here: decisions counted in this layer's metrics (registry and
   * OTel), the same redaction rules as its logs (the default rules when redaction is off), and,
   * with `otel`, events on the active span. `options` override each of these.
   */
  outputGuard(options?: OutputGuardOptions): OutputGuard;
}

/**
 * Creates the observability layer. Pass it as `instrumentation` to `@keel/llm`, `@keel/tools`
 * and `@keel/retrieval`, or wrap any `ChatModel` with `instrument(model, { instrumentation })`.
 *
 * @example
 * ```ts
 * const obs = createObservability({ otel: await loadOpenTelemetry(), recordContent: ['support-bot'] });
 * const model = instrument(createFakeChatModel({ text: 'hi' }), { instrumentation: obs });
 * await model.generate({ messages: [{ role: 'user', content: 'hello' }], metadata: { feature: 'chat' } });
 * obs.metrics?.prometheus(); // without OTel: keel_calls_total{kind="model-call",outcome="ok",...} 1
 * ```
 */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  const { otel, recordContent = false, spendGuard, clock = systemClock } = options;
  const tracer =
    options.tracer === false
      ? undefined
      : (options.tracer ?? otel?.trace.getTracer('@keel/observability') ?? createTracer({ clock }));
  const meter = options.meter ?? otel?.metrics?.getMeter('@keel/observability');
  const sink = options.logger === false ? undefined : (options.logger ?? jsonLinesSink());
  const registry =
    options.metrics === false
      ? undefined
      : (options.metrics ?? (meter ? undefined : createMetricsRegistry()));
  const redactor =
    options.redaction === false
      ? createRedactor({ rules: [], sensitiveKeys: /(?!)/ })
      : createRedactor(options.redaction);
  const recorders: MetricsRecorder[] = [];
  if (registry) recorders.push(registry);
  if (meter) recorders.push(otelMetricsRecorder(meter));

  const metrics: MetricsRecorder = {
    add(name, value, labels) {
      for (const recorder of recorders) recorder.add(name, value, labels);
    },
    record(name, value, labels) {
      for (const recorder of recorders) recorder.record(name, value, labels);
    },
    set(name, value, labels) {
      for (const recorder of recorders) recorder.set(name, value, labels);
    },
  };
  const recorder = createRecorder({
    tracer,
    sink,
    metrics,
    redact: redactor,
    recordContent,
    clock,
  });

  function recordBreakerState(key: string, state: BreakerState): void {
    try {
      metrics.set(METRICS.breakerState, BREAKER_VALUES[state], { breaker: key });
    } catch {
      // A failing exporter must not fail the breaker's listener.
    }
  }

  return {
    tracer,
    metrics: registry,
    redact: redactor,
    startModelCall: neverThrowing((start) => observeModelCall(recorder, start, spendGuard)),
    startToolCall: neverThrowing((start) => observeToolCall(recorder, start)),
    startRetrieval: neverThrowing((start) => observeRetrieval(recorder, start)),
    recordBreakerState,
    outputGuard(guardOptions = {}) {
      const activeSpan = otel?.trace.getActiveSpan?.bind(otel.trace);
      return createOutputGuard({
        ...(options.redaction ? { redaction: options.redaction } : {}),
        ...(activeSpan ? { span: activeSpan } : {}),
        metrics,
        ...guardOptions,
      });
    },
    watchBreaker(breaker, key) {
      recordBreakerState(key, breaker.state);
      const stops = [
        breaker.onBreak(() => recordBreakerState(key, 'open')),
        breaker.onHalfOpen(() => recordBreakerState(key, 'half-open')),
        breaker.onReset(() => recordBreakerState(key, 'closed')),
      ];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
