/**
 * The implementation of core's `Instrumentation`: every model call, tool call and retrieval
 * becomes a span on the GenAI conventions, one redacted JSON log record, metrics (OTel and/or
 * the in-process registry) and, for model calls, an entry in the spend guard.
 */
import {
  type CallObserver,
  type CallOutcome,
  type Clock,
  type Instrumentation,
  type ModelCallEnd,
  type ModelCallStart,
  type RequestMetadata,
  type RetrievalEnd,
  type RetrievalStart,
  systemClock,
  type ToolCallEnd,
  type ToolCallStart,
} from '@keel/core';
import { GEN_AI, KEEL, METRICS } from './attributes';
import { inputMessages, outputMessages } from './content';
import { jsonLinesSink, type LogRecord, type LogSink } from './log-sink';
import {
  createMetricsRegistry,
  type Labels,
  type MetricsRecorder,
  type MetricsRegistry,
} from './metrics-registry';
import { otelMetricsRecorder } from './otel-metrics';
import { createRedactor, type RedactOptions, type Redactor } from './redact';
import {
  type Attributes,
  type MeterLike,
  type OpenTelemetryApiLike,
  SPAN_KIND,
  SPAN_STATUS,
  type SpanLike,
  type TracerLike,
} from './span-types';
import type { SpendGuard } from './spend-guard';
import { createTracer } from './tracer';

/** Which calls may record prompt and completion content. */
export type RecordContent =
  | boolean
  | readonly string[]
  | ((metadata: RequestMetadata | undefined) => boolean);

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
  /** The in-process metrics registry; default a new one; `false` for none. */
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

/** The object {@link createObservability} returns: an `Instrumentation`, and more. */
export interface Observability extends Required<Instrumentation> {
  /** The tracer spans go to (`undefined` when tracing is off). */
  readonly tracer: TracerLike | undefined;
  /** The in-process registry (`undefined` when turned off). */
  readonly metrics: MetricsRegistry | undefined;
  /** The redactor every record goes through. */
  readonly redact: Redactor;
  /** Sets the `keel.breaker.state` gauge of one breaker. */
  recordBreakerState(key: string, state: BreakerState): void;
  /** Follows a breaker's state from now on; returns a function that stops. */
  watchBreaker(breaker: BreakerLike, key: string): () => void;
}

/** Fields every record of a piece of work shares, redacted. */
interface Who {
  user_id?: string;
  tenant_id?: string;
  feature?: string;
  prompt_id?: string;
}

const LEVELS: Record<CallOutcome, LogRecord['level']> = {
  ok: 'info',
  abort: 'warn',
  error: 'error',
};

function metadataAttributes(who: Who): Attributes {
  return {
    [KEEL.userId]: who.user_id,
    [KEEL.tenantId]: who.tenant_id,
    [KEEL.feature]: who.feature,
    [KEEL.promptId]: who.prompt_id,
  };
}

function definedOnly<T extends Record<string, unknown>>(record: T): T {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

/** True when a trace id is OTel's invalid (all-zero) id of a non-recording span. */
function validId(id: string): string | undefined {
  return /^0*$/.test(id) ? undefined : id;
}

/**
 * Creates the observability layer. Pass it as `instrumentation` to `@keel/llm`, `@keel/tools`
 * and `@keel/retrieval`, or wrap any `ChatModel` with `instrument(model, { instrumentation })`.
 *
 * @example
 * ```ts
 * import * as otel from '@opentelemetry/api';
 * const obs = createObservability({ otel, recordContent: ['support-bot'] });
 * const model = instrument(createFakeChatModel({ text: 'hi' }), { instrumentation: obs });
 * await model.generate({ messages: [{ role: 'user', content: 'hello' }], metadata: { feature: 'chat' } });
 * obs.metrics.prometheus(); // keel_calls_total{kind="model",outcome="ok",...} 1 ...
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
    options.metrics === false ? undefined : (options.metrics ?? createMetricsRegistry());
  const redactor =
    options.redaction === false
      ? createRedactor({ rules: [], sensitiveKeys: /(?!)/ })
      : createRedactor(options.redaction);
  const recorders: MetricsRecorder[] = [];
  if (registry) recorders.push(registry);
  if (meter) recorders.push(otelMetricsRecorder(meter));

  const metric = {
    add(name: string, value: number, labels: Labels) {
      for (const recorder of recorders) recorder.add(name, value, labels);
    },
    record(name: string, value: number, labels: Labels) {
      for (const recorder of recorders) recorder.record(name, value, labels);
    },
    set(name: string, value: number, labels: Labels) {
      for (const recorder of recorders) recorder.set(name, value, labels);
    },
  };

  function contentAllowed(metadata: RequestMetadata | undefined): boolean {
    if (typeof recordContent === 'boolean') return recordContent;
    if (typeof recordContent === 'function') return recordContent(metadata);
    return metadata?.feature !== undefined && recordContent.includes(metadata.feature);
  }

  /** Redacts untrusted strings together (so secrets split across them are caught). */
  function clean<T extends Record<string, unknown>>(fields: T): T {
    return redactor(definedOnly(fields)) as T;
  }

  function who(metadata: RequestMetadata | undefined): Who {
    return clean({
      user_id: metadata?.userId,
      tenant_id: metadata?.tenantId,
      feature: metadata?.feature,
      prompt_id: metadata?.promptId,
    });
  }

  function json(value: unknown): string {
    return JSON.stringify(redactor(value));
  }

  function safely(work: () => void): void {
    try {
      work();
    } catch {
      // Instrumentation must never break the work it observes.
    }
  }

  /** What every kind of work does the same way: span, timing, status, base record, counters. */
  function begin(
    name: string,
    kind: number,
    attributes: () => Attributes,
  ): { span: SpanLike | undefined; recording: boolean; started: number } {
    const started = clock.now();
    const span = tracer?.startSpan(name, { kind, startTime: started });
    const recording = span?.isRecording() ?? false;
    if (span && recording) span.setAttributes(attributes());
    return { span, recording, started };
  }

  function finish(
    work: { span: SpanLike | undefined; recording: boolean; started: number },
    event: LogRecord['event'],
    msg: string,
    end: { outcome: CallOutcome; errorType?: string; errorMessage?: string },
    base: Who,
    attributes: Attributes,
    fields: Record<string, unknown>,
    labels: Labels,
  ): number {
    const ended = clock.now();
    const error = clean({ error_type: end.errorType, error_message: end.errorMessage });
    const { span } = work;
    if (span && work.recording) {
      span.setAttributes({
        ...attributes,
        [KEEL.outcome]: end.outcome,
        [GEN_AI.errorType]: end.outcome === 'error' ? (error.error_type ?? '_OTHER') : undefined,
      });
      if (end.outcome === 'error') {
        span.addEvent('exception', {
          'exception.type': error.error_type,
          'exception.message': error.error_message,
        });
        span.setStatus({ code: SPAN_STATUS.error, message: error.error_message });
      }
    }
    span?.end(ended);
    const context = span?.spanContext();
    const latencyMs = ended - work.started;
    sink?.write(
      definedOnly({
        time: new Date(ended).toISOString(),
        level: LEVELS[end.outcome],
        event,
        msg,
        outcome: end.outcome,
        trace_id: context && validId(context.traceId),
        span_id: context && validId(context.spanId),
        ...base,
        ...fields,
        latency_ms: latencyMs,
        ...error,
      }),
    );
    metric.add(METRICS.calls, 1, { ...labels, kind: event, outcome: end.outcome });
    if (end.outcome === 'error') {
      metric.add(METRICS.errors, 1, {
        ...labels,
        kind: event,
        [GEN_AI.errorType]: error.error_type ?? '_OTHER',
      });
    }
    return latencyMs;
  }

  function observer<End>(
    onEvent: ((name: string, attributes?: Attributes) => void) | undefined,
    onEnd: (end: End) => void,
  ): CallObserver<End> {
    let ended = false;
    return {
      event(name, attributes) {
        if (!ended && onEvent) safely(() => onEvent(name, attributes));
      },
      end(result) {
        if (ended) return;
        ended = true;
        safely(() => onEnd(result));
      },
    };
  }

  function spanEvents(span: SpanLike | undefined, recording: boolean) {
    if (!span || !recording) return undefined;
    return (name: string, attributes?: Attributes) => {
      span.addEvent(name, attributes && (redactor(attributes) as Attributes), clock.now());
    };
  }

  function startModelCall(start: ModelCallStart): CallObserver<ModelCallEnd> {
    const operation = start.operation === 'embed' ? 'embeddings' : 'chat';
    const base = who(start.metadata);
    const names = clean({ provider: start.provider, request_model: start.requestModel });
    const content = contentAllowed(start.metadata);
    const request = content && start.request ? start.request : undefined;
    const work = begin(`${operation} ${names.request_model}`, SPAN_KIND.client, () => ({
      [GEN_AI.operationName]: operation,
      [GEN_AI.providerName]: names.provider,
      [GEN_AI.requestModel]: names.request_model,
      [GEN_AI.requestMaxTokens]: start.parameters?.maxTokens,
      [GEN_AI.requestTemperature]: start.parameters?.temperature,
      [GEN_AI.requestTopP]: start.parameters?.topP,
      [GEN_AI.requestStopSequences]:
        start.parameters?.stop && (redactor(start.parameters.stop) as string[]),
      [GEN_AI.inputMessages]: request && json(inputMessages(request)),
      [GEN_AI.systemInstructions]:
        request?.system === undefined
          ? undefined
          : json([{ type: 'text', content: request.system }]),
      ...metadataAttributes(base),
    }));
    return observer(spanEvents(work.span, work.recording), (end: ModelCallEnd) => {
      const answered = clean({ response_model: end.responseModel, response_id: end.responseId });
      const model = answered.response_model ?? names.request_model;
      const output = content && end.output !== undefined ? end.output : undefined;
      const { usage } = end;
      const labels: Labels = definedOnly({
        [GEN_AI.operationName]: operation,
        [GEN_AI.providerName]: names.provider,
        [GEN_AI.requestModel]: names.request_model,
        feature: base.feature,
      } as Labels);
      const latencyMs = finish(
        work,
        'model-call',
        `${operation} ${model} ${end.outcome}`,
        end,
        base,
        {
          [GEN_AI.responseModel]: answered.response_model,
          [GEN_AI.responseId]: answered.response_id,
          [GEN_AI.responseFinishReasons]: end.finishReason && [end.finishReason],
          [GEN_AI.usageInputTokens]: usage.inputTokens,
          [GEN_AI.usageOutputTokens]: usage.outputTokens,
          [GEN_AI.usageCacheReadInputTokens]: usage.cacheReadTokens,
          [GEN_AI.usageCacheCreationInputTokens]: usage.cacheWriteTokens,
          [KEEL.reasoningTokens]: usage.reasoningTokens,
          [KEEL.costUsd]: end.costUsd,
          [KEEL.attempts]: end.attempts,
          [KEEL.timeToFirstTokenMs]: end.timeToFirstTokenMs,
          [GEN_AI.outputMessages]: output === undefined ? undefined : json(outputMessages(output)),
        },
        {
          operation: start.operation,
          provider: names.provider,
          model,
          request_model: names.request_model,
          response_id: answered.response_id,
          finish_reason: end.finishReason,
          tokens_in: usage.inputTokens,
          tokens_cached: usage.cacheReadTokens,
          tokens_cache_write: usage.cacheWriteTokens,
          tokens_out: usage.outputTokens,
          tokens_reasoning: usage.reasoningTokens,
          cost_usd: end.costUsd,
          ttft_ms: end.timeToFirstTokenMs,
          attempts: end.attempts,
          request:
            request && redactor({ system: request.system, messages: inputMessages(request) }),
          output: output === undefined ? undefined : redactor(output),
        },
        labels,
      );
      const tokenLabels = { ...labels, [GEN_AI.responseModel]: model };
      metric.record(METRICS.tokenUsage, usage.inputTokens, {
        ...tokenLabels,
        [GEN_AI.tokenType]: 'input',
      });
      metric.record(METRICS.tokenUsage, usage.outputTokens, {
        ...tokenLabels,
        [GEN_AI.tokenType]: 'output',
      });
      for (const [type, count] of [
        ['input', usage.inputTokens],
        ['cache_read', usage.cacheReadTokens],
        ['cache_write', usage.cacheWriteTokens],
        ['output', usage.outputTokens],
        ['reasoning', usage.reasoningTokens],
      ] as const) {
        if (count > 0)
          metric.add(METRICS.tokens, count, { ...tokenLabels, [GEN_AI.tokenType]: type });
      }
      const durationLabels =
        end.outcome === 'error'
          ? { ...labels, [GEN_AI.errorType]: end.errorType ?? '_OTHER' }
          : labels;
      metric.record(METRICS.operationDuration, latencyMs / 1000, durationLabels);
      if (end.timeToFirstTokenMs !== undefined) {
        metric.record(METRICS.timeToFirstChunk, end.timeToFirstTokenMs / 1000, labels);
      }
      if (end.attempts > 1) metric.add(METRICS.retries, end.attempts - 1, labels);
      if (end.costUsd !== undefined && end.costUsd > 0) {
        metric.add(METRICS.cost, end.costUsd, tokenLabels);
        spendGuard?.record(start.metadata, end.costUsd);
      }
    });
  }

  function startToolCall(start: ToolCallStart): CallObserver<ToolCallEnd> {
    const base = who(start.metadata);
    const tool = clean({ name: start.toolName, id: start.toolCallId, effect: start.effect });
    const work = begin(`execute_tool ${tool.name}`, SPAN_KIND.internal, () => ({
      [GEN_AI.operationName]: 'execute_tool',
      [GEN_AI.toolName]: tool.name,
      [GEN_AI.toolCallId]: tool.id,
      [GEN_AI.toolType]: 'function',
      [KEEL.toolEffect]: tool.effect,
      ...metadataAttributes(base),
    }));
    return observer(spanEvents(work.span, work.recording), (end: ToolCallEnd) => {
      const labels: Labels = definedOnly({
        [GEN_AI.toolName]: tool.name,
        feature: base.feature,
      } as Labels);
      const latencyMs = finish(
        work,
        'tool-call',
        `execute_tool ${tool.name} ${end.decision} ${end.outcome}`,
        end,
        base,
        {
          [KEEL.toolDecision]: end.decision,
          [KEEL.toolArgumentsDigest]: end.argumentsDigest,
          [KEEL.toolResultTokens]: end.resultTokens,
          [KEEL.toolResultBytes]: end.resultBytes,
          [KEEL.toolTruncated]: end.truncated,
        },
        {
          tool_name: tool.name,
          tool_call_id: tool.id,
          effect: tool.effect,
          decision: end.decision,
          arguments_digest: end.argumentsDigest,
          result_tokens: end.resultTokens,
          result_bytes: end.resultBytes,
          truncated: end.truncated,
        },
        labels,
      );
      metric.record(METRICS.toolDuration, latencyMs / 1000, labels);
    });
  }

  function startRetrieval(start: RetrievalStart): CallObserver<RetrievalEnd> {
    const base = who(start.metadata);
    const mode = clean({ mode: start.mode }).mode;
    const query = contentAllowed(start.metadata) ? start.query : undefined;
    const work = begin('retrieval', SPAN_KIND.internal, () => ({
      [GEN_AI.operationName]: 'retrieval',
      [GEN_AI.requestTopK]: start.k,
      [KEEL.retrievalMode]: mode,
      [GEN_AI.retrievalQueryText]: query === undefined ? undefined : (redactor(query) as string),
      ...metadataAttributes(base),
    }));
    return observer(spanEvents(work.span, work.recording), (end: RetrievalEnd) => {
      const labels: Labels = definedOnly({ mode, feature: base.feature } as Labels);
      const latencyMs = finish(
        work,
        'retrieval',
        `retrieval ${mode} ${end.outcome}`,
        end,
        base,
        { [KEEL.retrievalResultCount]: end.resultCount, [KEEL.retrievalTopScore]: end.topScore },
        {
          mode,
          k: start.k,
          result_count: end.resultCount,
          top_score: end.topScore,
          query: query === undefined ? undefined : redactor(query),
        },
        labels,
      );
      metric.record(METRICS.retrievalDuration, latencyMs / 1000, labels);
    });
  }

  function recordBreakerState(key: string, state: BreakerState): void {
    safely(() => metric.set(METRICS.breakerState, BREAKER_VALUES[state], { breaker: key }));
  }

  return {
    tracer,
    metrics: registry,
    redact: redactor,
    startModelCall,
    startToolCall,
    startRetrieval,
    recordBreakerState,
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
