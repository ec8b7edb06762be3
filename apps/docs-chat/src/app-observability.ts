/**
 * Observability of the app: @keel/observability's spans (one trace per request, model, tool
 * and retrieval spans inside it), redacted JSON log lines on stdout, and the in-process
 * metrics registry behind GET /metrics; plus the cost ledger, fed from the same seam, so every
 * model call (aborted and fallback ones included) is billed once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Instrumentation } from '@keel/core';
import {
  createMetricsRegistry,
  createObservability,
  createTracer,
  jsonLinesSink,
  type MetricsRegistry,
  type Observability,
  type SpanLike,
  type Tracer,
} from '@keel/observability';
import { createDashboardRecorder, type DashboardRecorder } from './dashboard-recorder';
import type { LedgerStore } from './ledger-store';

/** The app's observability. */
export interface AppObservability {
  readonly observability: Observability;
  /** Pass this to every layer: observability and the ledger. */
  readonly instrumentation: Instrumentation;
  readonly tracer: Tracer;
  readonly metrics: MetricsRegistry;
  /** The dashboard's in-process records: recent turns' traces and the request timeline. */
  readonly dashboard: DashboardRecorder;
  /** The span the current request runs in (what the output guard records its decisions on). */
  currentSpan(): SpanLike | undefined;
  /** Writes one redacted log record. */
  log(record: Record<string, unknown>): void;
  /** Resolves once every ledger write so far is stored. */
  flush(): Promise<void>;
}

const stdout = (line: string) => {
  process.stdout.write(line);
};

/** Creates the app's observability; log lines go to `write` (stdout by default), or nowhere. */
export function createAppObservability({
  ledger,
  write = stdout,
}: {
  ledger: LedgerStore;
  write?: ((line: string) => void) | false;
}): AppObservability {
  const contextStorage = new AsyncLocalStorage<SpanLike>();
  const dashboard = createDashboardRecorder();
  const tracer = createTracer({ contextStorage, maxSpans: 2_000, onEnd: dashboard.onEnd });
  const metrics = createMetricsRegistry();
  const observability = createObservability({
    tracer,
    metrics,
    logger: write ? jsonLinesSink({ write }) : false,
  });
  const log = (record: Record<string, unknown>) => {
    if (write) write(`${JSON.stringify(observability.redact(record))}\n`);
  };
  const writes = new Set<Promise<void>>();

  const instrumentation: Instrumentation = {
    startRetrieval: observability.startRetrieval,
    startToolCall: observability.startToolCall,
    startModelCall(start) {
      const observer = observability.startModelCall(start);
      return {
        event: observer.event?.bind(observer),
        end(end) {
          observer.end(end);
          const { metadata } = start;
          const recorded = ledger
            .record({
              userId: metadata?.userId ?? 'anonymous',
              ...(metadata?.conversationId && { conversationId: metadata.conversationId }),
              feature: metadata?.feature ?? 'unknown',
              provider: start.provider,
              model: end.responseModel ?? start.requestModel,
              outcome: end.outcome,
              inputTokens: end.usage.inputTokens,
              outputTokens: end.usage.outputTokens,
              cacheReadTokens: end.usage.cacheReadTokens,
              costUsd: end.costUsd ?? 0,
            })
            .catch((error: unknown) =>
              log({
                time: new Date().toISOString(),
                level: 'error',
                event: 'ledger-write',
                msg: `ledger write failed: ${error instanceof Error ? error.message : String(error)}`,
              }),
            )
            .finally(() => writes.delete(recorded));
          writes.add(recorded);
        },
      };
    },
  };

  return {
    observability,
    instrumentation,
    tracer,
    metrics,
    dashboard,
    currentSpan: () => contextStorage.getStore(),
    log,
    async flush() {
      await Promise.all(writes);
    },
  };
}
