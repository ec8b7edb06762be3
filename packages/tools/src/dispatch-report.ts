/**
 * The report of one dispatch: its {@link ToolCallRecord}, the instrumentation observer ended
 * exactly once with the same facts, and the `onRecord` listener. Whatever the instrumentation or
 * the listener throws is swallowed: observing a call must never break it.
 */
import type {
  CallObserver,
  Clock,
  Instrumentation,
  RequestMetadata,
  ToolCall,
  ToolCallEnd,
} from '@keel/core';
import type { ToolEffect } from './define-tool';
import type { ToolCallRecord } from './tool-call-record';

/** What a dispatch step knows when it records; the report adds the rest. */
export type RecordFields = Omit<
  ToolCallRecord,
  'toolCallId' | 'toolName' | 'effect' | 'startedAt' | 'latencyMs'
>;

/** Records one dispatch, once. */
export interface DispatchReport {
  record(fields: RecordFields): ToolCallRecord;
  /** Whether `record` was called. */
  readonly recorded: boolean;
}

/** Starts the report of a dispatch (and its instrumentation observer). */
export function startDispatchReport({
  call,
  effect,
  metadata,
  clock,
  instrumentation,
  onRecord,
}: {
  call: ToolCall;
  effect: ToolEffect | undefined;
  metadata: RequestMetadata | undefined;
  clock: Clock;
  instrumentation: Instrumentation | undefined;
  onRecord: ((record: ToolCallRecord) => void) | undefined;
}): DispatchReport {
  const startedAt = clock.now();
  let observer: CallObserver<ToolCallEnd> | undefined;
  try {
    observer = instrumentation?.startToolCall?.({
      toolName: call.toolName,
      toolCallId: call.toolCallId,
      ...(effect !== undefined && { effect }),
      ...(metadata !== undefined && { metadata }),
    });
  } catch {
    // Swallowed: see the module comment.
  }
  let recorded = false;
  return {
    get recorded() {
      return recorded;
    },
    record(fields) {
      const entry: ToolCallRecord = {
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        ...(effect !== undefined && { effect }),
        ...fields,
        startedAt,
        latencyMs: clock.now() - startedAt,
      };
      recorded = true;
      const {
        outcome,
        decision,
        argumentsDigest,
        resultTokens,
        resultBytes,
        truncated,
        errorType,
        errorMessage,
      } = entry;
      try {
        observer?.end({
          outcome: outcome === 'pending' ? 'ok' : outcome,
          decision,
          ...(argumentsDigest !== undefined && { argumentsDigest }),
          ...(resultTokens !== undefined && { resultTokens }),
          ...(resultBytes !== undefined && { resultBytes }),
          ...(truncated !== undefined && { truncated }),
          ...(errorType !== undefined && { errorType }),
          ...(errorMessage !== undefined && { errorMessage }),
        });
      } catch {
        // Swallowed.
      }
      try {
        onRecord?.(entry);
      } catch {
        // A failing listener must not turn a finished call into a failed one.
      }
      return entry;
    },
  };
}
