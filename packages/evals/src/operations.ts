/**
 * Operations figures of a run, read from its instrumentation records ("trace assertions"):
 * latency, time to first token, cost per answer and error rate, with thresholds.
 */
import type { LogRecord } from '@keel/observability';
import { percentile } from './statistics';

/** What one case's records say about it. */
export interface CaseOperations {
  /** Milliseconds spent in model calls and retrievals (their `latency_ms`), summed. */
  latencyMs: number;
  /** The first streamed model call's time to first token; `null` when nothing streamed. */
  ttftMs: number | null;
  /** USD of the model calls (their `cost_usd`, as the models priced them), summed. */
  costUsd: number;
  /** Model calls made, failed attempts included. */
  modelCalls: number;
}

const numberField = (record: LogRecord, field: string) =>
  typeof record[field] === 'number' ? (record[field] as number) : undefined;

/**
 * Sums up a case's records (model calls and retrievals; tool calls are counted by the safety
 * scorer).
 *
 * @example
 * ```ts
 * caseOperations(sink.records); // { latencyMs: 812, ttftMs: 240, costUsd: 0.00042, modelCalls: 1 }
 * ```
 */
export function caseOperations(records: readonly LogRecord[]): CaseOperations {
  let latencyMs = 0;
  let ttftMs: number | null = null;
  let costUsd = 0;
  let modelCalls = 0;
  for (const record of records) {
    if (record.event === 'tool-call') continue;
    latencyMs += numberField(record, 'latency_ms') ?? 0;
    if (record.event !== 'model-call') continue;
    modelCalls++;
    costUsd += numberField(record, 'cost_usd') ?? 0;
    ttftMs ??= numberField(record, 'ttft_ms') ?? null;
  }
  return { latencyMs, ttftMs, costUsd, modelCalls };
}

/** The operations figures of a run. */
export interface OperationsSummary {
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** Mean cost of the pipeline per case run (scoring excluded). */
  costPerAnswerUsd: number | null;
  /** Failed cases over cases run: [0, 1]. */
  errorRate: number | null;
}

/** A figure of {@link OperationsSummary}, as thresholds name it. */
export type OperationsMetric = keyof OperationsSummary;

/**
 * The run's figures from its cases' operations; latency and cost over every case run, failed
 * ones included (they cost and took time too).
 *
 * @example
 * ```ts
 * summarizeOperations(run.results).latencyP95Ms;
 * ```
 */
export function summarizeOperations(
  cases: readonly { operations: CaseOperations; error?: unknown }[],
): OperationsSummary {
  const latencies = cases.map((c) => c.operations.latencyMs);
  const ttfts = cases.flatMap((c) => (c.operations.ttftMs === null ? [] : [c.operations.ttftMs]));
  const cost = cases.reduce((sum, c) => sum + c.operations.costUsd, 0);
  return {
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
    ttftP50Ms: percentile(ttfts, 0.5),
    ttftP95Ms: percentile(ttfts, 0.95),
    costPerAnswerUsd: cases.length === 0 ? null : cost / cases.length,
    errorRate:
      cases.length === 0 ? null : cases.filter((c) => c.error !== undefined).length / cases.length,
  };
}
