/**
 * What Keel measures, as data: each metric's kind, unit, description, Prometheus name and
 * histogram buckets. The in-process registry and the OpenTelemetry bridge both read it.
 */
import { METRICS } from './attributes';

/** How a metric aggregates. */
export type MetricKind = 'counter' | 'histogram' | 'gauge';

/** One metric Keel records. */
export interface MetricDescriptor {
  name: string;
  kind: MetricKind;
  unit: string;
  description: string;
  /** The name in Prometheus text exposition (unit suffix, `_total` for counters). */
  prometheusName: string;
  /** Upper bounds of histogram buckets. */
  buckets?: readonly number[];
}

/** Token counts: the GenAI conventions' recommended boundaries (powers of 4). */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Seconds: the GenAI conventions' recommended boundaries for operation duration. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** Seconds: the boundaries for time to first chunk. */
const FIRST_CHUNK_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** Every metric, by name. */
export const METRIC_DESCRIPTORS: Readonly<Record<string, MetricDescriptor>> = Object.freeze(
  Object.fromEntries(
    (
      [
        [
          METRICS.tokenUsage,
          'histogram',
          '{token}',
          'Input and output tokens per model call',
          'gen_ai_client_token_usage',
          TOKEN_BUCKETS,
        ],
        [
          METRICS.operationDuration,
          'histogram',
          's',
          'Duration of model calls',
          'gen_ai_client_operation_duration_seconds',
          DURATION_BUCKETS,
        ],
        [
          METRICS.timeToFirstChunk,
          'histogram',
          's',
          'Time from the request to the first streamed part',
          'gen_ai_client_operation_time_to_first_chunk_seconds',
          FIRST_CHUNK_BUCKETS,
        ],
        [
          METRICS.toolDuration,
          'histogram',
          's',
          'Duration of tool executions',
          'gen_ai_execute_tool_duration_seconds',
          DURATION_BUCKETS,
        ],
        [
          METRICS.retrievalDuration,
          'histogram',
          's',
          'Duration of retrievals',
          'keel_retrieval_duration_seconds',
          DURATION_BUCKETS,
        ],
        [
          METRICS.tokens,
          'counter',
          '{token}',
          'Tokens by type: input, cache_read, cache_write, output, reasoning',
          'keel_tokens_total',
        ],
        [METRICS.cost, 'counter', 'USD', 'Spend in US dollars', 'keel_cost_usd_total'],
        [METRICS.calls, 'counter', '{call}', 'Calls by kind and outcome', 'keel_calls_total'],
        [METRICS.errors, 'counter', '{error}', 'Failed calls by error type', 'keel_errors_total'],
        [
          METRICS.retries,
          'counter',
          '{retry}',
          'Retries (attempts after the first)',
          'keel_retries_total',
        ],
        [
          METRICS.outputGuardDecisions,
          'counter',
          '{decision}',
          'Output guard decisions by kind and rule: secret-redacted, image-removed, link-removed, html-escaped',
          'keel_output_guard_decisions_total',
        ],
        [
          METRICS.breakerState,
          'gauge',
          '1',
          'Circuit breaker state: 0 closed, 1 half-open, 2 open',
          'keel_breaker_state',
        ],
      ] as const
    ).map(([name, kind, unit, description, prometheusName, buckets]) => [
      name,
      { name, kind, unit, description, prometheusName, ...(buckets ? { buckets } : {}) },
    ]),
  ),
);
