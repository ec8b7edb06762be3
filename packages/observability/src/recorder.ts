/**
 * What every observed piece of work shares: a span started and ended, the outcome on the span,
 * one redacted log record, the call and error counters, and the rule that instrumentation
 * never throws into the work it observes. Model calls, tool calls and retrievals supply only
 * what is theirs.
 */
import type { CallObserver, CallOutcome, Clock, RequestMetadata } from '@keel/core';
import { GEN_AI, KEEL, METRICS } from './attributes';
import type { LogRecord, LogSink } from './log-sink';
import type { Labels, MetricsRecorder } from './metrics-registry';
import type { Redactor } from './redact';
import { type Attributes, SPAN_STATUS, type SpanLike, type TracerLike } from './span-types';

/** Which calls may record prompt and completion content. */
export type RecordContent =
  | boolean
  | readonly string[]
  | ((metadata: RequestMetadata | undefined) => boolean);

/** Who a piece of work is for, redacted, as log fields. */
export interface Who {
  user_id?: string;
  tenant_id?: string;
  feature?: string;
  prompt_id?: string;
}

/** How a piece of work ended, as far as the shared part cares. */
interface Ending {
  outcome: CallOutcome;
  errorType?: string;
  errorMessage?: string;
}

/** What a kind of work adds when it ends. */
export interface Completion {
  event: LogRecord['event'];
  msg: string;
  who: Who;
  attributes: Attributes;
  fields: Record<string, unknown>;
  labels: Labels;
  /** Runs last, with the latency, for kind-specific metrics. */
  after?: (latencyMs: number) => void;
}

/** The shared machinery, handed to each kind of work. */
export interface Recorder {
  readonly metrics: MetricsRecorder;
  /** Redacts untrusted fields together (so a secret split across them is caught). */
  clean<T extends Record<string, unknown>>(fields: T): T;
  redact: Redactor;
  /** Redacted JSON of a value, cut at 64 KiB with a marker. */
  json(value: unknown): string;
  who(metadata: RequestMetadata | undefined): Who;
  contentAllowed(metadata: RequestMetadata | undefined): boolean;
  /** Starts a span and returns the observer that completes the work exactly once. */
  observe<End extends Ending>(
    name: string,
    kind: number,
    attributes: () => Attributes,
    complete: (end: End) => Completion,
  ): CallObserver<End>;
}

/** Content attributes longer than this are cut (each string is already cut by the redactor). */
const MAX_JSON_LENGTH = 65_536;

const LEVELS: Record<CallOutcome, LogRecord['level']> = {
  ok: 'info',
  abort: 'warn',
  error: 'error',
};

/** A copy without the `undefined` fields. */
export function definedOnly<T extends Record<string, unknown>>(record: T): T {
  // A copy rather than `delete`, which would turn the object into a slow dictionary.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (record[key] !== undefined) out[key] = record[key];
  return out as T;
}

/** The `keel.*` attributes of who a piece of work is for. */
export function whoAttributes(who: Who): Attributes {
  return {
    [KEEL.userId]: who.user_id,
    [KEEL.tenantId]: who.tenant_id,
    [KEEL.feature]: who.feature,
    [KEEL.promptId]: who.prompt_id,
  };
}

/** OTel's all-zero ids belong to non-recording spans: leave them out of logs. */
function validId(id: string): string | undefined {
  return /^0*$/.test(id) ? undefined : id;
}

function safely(work: () => void): void {
  try {
    work();
  } catch {
    // Instrumentation must never break the work it observes.
  }
}

/** Builds the shared machinery. */
export function createRecorder({
  tracer,
  sink,
  metrics,
  redact,
  recordContent,
  clock,
}: {
  tracer: TracerLike | undefined;
  sink: LogSink | undefined;
  metrics: MetricsRecorder;
  redact: Redactor;
  recordContent: RecordContent;
  clock: Clock;
}): Recorder {
  function clean<T extends Record<string, unknown>>(fields: T): T {
    return redact(definedOnly(fields)) as T;
  }

  function end<End extends Ending>(
    span: SpanLike | undefined,
    recording: boolean,
    started: number,
    result: End,
    completion: Completion,
  ): void {
    const ended = clock.now();
    const error = clean({ error_type: result.errorType, error_message: result.errorMessage });
    const failed = result.outcome === 'error';
    const errorType = error.error_type ?? '_OTHER';
    if (span && recording) {
      span.setAttributes({
        ...completion.attributes,
        [KEEL.outcome]: result.outcome,
        [GEN_AI.errorType]: failed ? errorType : undefined,
      });
      if (failed) {
        span.addEvent('exception', {
          'exception.type': error.error_type,
          'exception.message': error.error_message,
        });
        span.setStatus({ code: SPAN_STATUS.error, message: error.error_message });
      }
    }
    span?.end(ended);
    const context = span?.spanContext();
    const latencyMs = ended - started;
    safely(() =>
      sink?.write(
        definedOnly({
          time: new Date(ended).toISOString(),
          level: LEVELS[result.outcome],
          event: completion.event,
          msg: completion.msg,
          outcome: result.outcome,
          trace_id: context && validId(context.traceId),
          span_id: context && validId(context.spanId),
          ...completion.who,
          ...completion.fields,
          latency_ms: latencyMs,
          ...error,
        }),
      ),
    );
    const { labels } = completion;
    metrics.add(METRICS.calls, 1, { ...labels, kind: completion.event, outcome: result.outcome });
    if (failed) {
      metrics.add(METRICS.errors, 1, {
        ...labels,
        kind: completion.event,
        [GEN_AI.errorType]: errorType,
      });
    }
    completion.after?.(latencyMs);
  }

  return {
    metrics,
    clean,
    redact,
    json(value) {
      const text = JSON.stringify(redact(value));
      return text.length <= MAX_JSON_LENGTH
        ? text
        : `${text.slice(0, MAX_JSON_LENGTH)}…[truncated ${text.length - MAX_JSON_LENGTH} chars]`;
    },
    who: (metadata) =>
      clean({
        user_id: metadata?.userId,
        tenant_id: metadata?.tenantId,
        feature: metadata?.feature,
        prompt_id: metadata?.promptId,
      }),
    contentAllowed(metadata) {
      if (typeof recordContent === 'boolean') return recordContent;
      if (typeof recordContent === 'function') return recordContent(metadata);
      return metadata?.feature !== undefined && recordContent.includes(metadata.feature);
    },
    observe(name, kind, attributes, complete) {
      const started = clock.now();
      const span = tracer?.startSpan(name, { kind, startTime: started });
      const recording = span?.isRecording() ?? false;
      if (span && recording) span.setAttributes(attributes());
      let ended = false;
      return {
        event(eventName, eventAttributes) {
          if (ended || !span || !recording) return;
          safely(() =>
            span.addEvent(
              eventName,
              eventAttributes && (redact(eventAttributes) as Attributes),
              clock.now(),
            ),
          );
        },
        end(result) {
          if (ended) return;
          ended = true;
          safely(() => end(span, recording, started, result, complete(result)));
        },
      };
    },
  };
}
