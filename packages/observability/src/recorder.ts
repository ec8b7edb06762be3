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

/** The redacted error of a failed piece of work, as log fields. */
interface Fault {
  error_type?: string;
  error_message?: string;
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

  /** The span's attributes, exception event and status for how the work ended. */
  function annotate(span: SpanLike, completion: Completion, outcome: CallOutcome, error: Fault) {
    const failed = outcome === 'error';
    span.setAttributes({
      ...completion.attributes,
      [KEEL.outcome]: outcome,
      [GEN_AI.errorType]: failed ? (error.error_type ?? '_OTHER') : undefined,
    });
    if (failed) {
      span.addEvent('exception', {
        'exception.type': error.error_type,
        'exception.message': error.error_message,
      });
      span.setStatus({ code: SPAN_STATUS.error, message: error.error_message });
    }
  }

  function log(
    completion: Completion,
    outcome: CallOutcome,
    error: Fault,
    span: SpanLike | undefined,
    ended: number,
    latencyMs: number,
  ): void {
    const context = span?.spanContext();
    sink?.write(
      definedOnly({
        time: new Date(ended).toISOString(),
        level: LEVELS[outcome],
        event: completion.event,
        msg: completion.msg,
        outcome,
        trace_id: context && validId(context.traceId),
        span_id: context && validId(context.spanId),
        ...completion.who,
        ...completion.fields,
        latency_ms: latencyMs,
        ...error,
      }),
    );
  }

  function measure(completion: Completion, outcome: CallOutcome, error: Fault, latencyMs: number) {
    const { labels } = completion;
    metrics.add(METRICS.calls, 1, { ...labels, kind: completion.event, outcome });
    if (outcome === 'error') {
      metrics.add(METRICS.errors, 1, {
        ...labels,
        kind: completion.event,
        [GEN_AI.errorType]: error.error_type ?? '_OTHER',
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
      if (typeof recordContent === 'function') {
        try {
          return recordContent(metadata) === true;
        } catch {
          return false; // in doubt, content stays out
        }
      }
      return metadata?.feature !== undefined && recordContent.includes(metadata.feature);
    },
    observe(name, kind, attributes, complete) {
      const started = clock.now();
      let span: SpanLike | undefined;
      let recording = false;
      safely(() => {
        span = tracer?.startSpan(name, { kind, startTime: started });
        recording = span?.isRecording() ?? false;
        if (span && recording) span.setAttributes(attributes());
      });
      let ended = false;
      return {
        event(eventName, eventAttributes) {
          if (ended || !span || !recording) return;
          const target = span;
          safely(() =>
            target.addEvent(
              eventName,
              eventAttributes && (redact(eventAttributes) as Attributes),
              clock.now(),
            ),
          );
        },
        end(result) {
          if (ended) return;
          ended = true;
          const endedAt = clock.now();
          const latencyMs = endedAt - started;
          // Each step on its own, so that one failing (a throwing exporter, sink or metric, or
          // an end result of the wrong shape) neither skips the others nor leaves the span open.
          let completion: Completion | undefined;
          let error: Fault = {};
          safely(() => {
            error = clean({ error_type: result.errorType, error_message: result.errorMessage });
            completion = complete(result);
          });
          const target = span;
          if (target && recording && completion) {
            const done = completion;
            safely(() => annotate(target, done, result.outcome, error));
          }
          if (target) safely(() => target.end(endedAt));
          if (!completion) return;
          const done = completion;
          safely(() => log(done, result.outcome, error, target, endedAt, latencyMs));
          safely(() => measure(done, result.outcome, error, latencyMs));
        },
      };
    },
  };
}
