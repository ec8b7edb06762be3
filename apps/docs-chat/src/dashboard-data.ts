/**
 * What the operations dashboard shows, gathered from where each figure is recorded: the cost
 * ledger (tokens and dollars by user, feature and model, and the prompt cache; PostgreSQL with
 * the shared stores, so the whole deployment), this process's request timeline and kept turn
 * traces (requests, errors and 429s over time, latency percentiles, the slowest and most
 * expensive turns, each turn's waterfall), and its metrics registry (the circuit breakers'
 * `keel.breaker.state` gauges).
 */
import { METRICS, type MetricsRegistry } from '@keel/observability';
import type { Answerer } from './answerer';
import type { SqlQuery } from './database';
import { type CacheTotals, ledgerCacheTotals } from './ledger-cache';
import type { LedgerStore, UsageReport } from './ledger-store';
import type { RequestTimeline, TimelinePoint } from './request-timeline';
import type { TraceBuffer } from './trace-buffer';
import { traceWaterfall, type Waterfall } from './trace-waterfall';
import { summarizeTurn, type TurnSummary } from './turn-summary';

/** Nearest-rank percentiles of some durations, in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** One minute's turns: their percentiles (null when the minute had no such figure). */
export interface LatencyPoint {
  at: number;
  turns: number;
  timeToFirstTokenP50: number | null;
  timeToFirstTokenP95: number | null;
  totalP50: number | null;
  totalP95: number | null;
}

/** A circuit breaker's state, as its gauge last reported it. */
export interface BreakerView {
  key: string;
  state: 'closed' | 'half-open' | 'open';
}

/** What `GET /api/dashboard` returns. */
export interface DashboardSummary {
  generatedAt: number;
  mode: Answerer['mode'];
  model: string;
  requests: { bucketMs: number; points: TimelinePoint[] };
  latency: {
    /** Turns kept in this process's buffer, which the percentiles are taken over. */
    turns: number;
    timeToFirstTokenMs?: Percentiles;
    totalMs?: Percentiles;
    bucketMs: number;
    points: LatencyPoint[];
  };
  usage: UsageReport;
  cache: CacheTotals & {
    /** Calls with a cache read, of all calls (0 without calls). */
    hitRate: number;
    /** Input tokens read from a cache, of all input tokens (0 without any). */
    tokenHitRate: number;
  };
  breakers: BreakerView[];
  slowest: TurnSummary[];
  mostExpensive: TurnSummary[];
  buffer: { traces: number; maxTraces: number };
}

/** Options of {@link createDashboardData}. */
export interface DashboardDataOptions {
  ledger: LedgerStore;
  db: SqlQuery;
  metrics: MetricsRegistry;
  traces: TraceBuffer;
  timeline: RequestTimeline;
  answerer: Pick<Answerer, 'mode' | 'model'>;
  /** Turns in each top list; default 10. */
  top?: number;
  /** A test seam; default `Date.now`. */
  now?: () => number;
}

/** The dashboard's data. */
export interface DashboardData {
  summary(): Promise<DashboardSummary>;
  /** A kept turn's waterfall; undefined once it left the buffer (or never was a turn). */
  waterfall(traceId: string): Waterfall | undefined;
}

/** The gauge's values, as `@keel/observability` sets them (closed 0, half-open 1, open 2). */
const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

const LATENCY_BUCKET_MS = 60_000;

/** Nearest rank of `p` (0 to 100) in `sorted`, ascending and not empty. */
function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** p50, p90 and p99 of `values`; undefined when there are none. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: rank(sorted, 50), p90: rank(sorted, 90), p99: rank(sorted, 99) };
}

/** Each minute's latency percentiles, oldest first (minutes without turns left out). */
function latencyPoints(turns: readonly TurnSummary[]): LatencyPoint[] {
  const byMinute = new Map<number, TurnSummary[]>();
  for (const turn of turns) {
    const at = Math.floor(turn.startedAt / LATENCY_BUCKET_MS) * LATENCY_BUCKET_MS;
    byMinute.set(at, [...(byMinute.get(at) ?? []), turn]);
  }
  const of = (values: number[], p: number) =>
    values.length === 0
      ? null
      : rank(
          [...values].sort((a, b) => a - b),
          p,
        );
  return [...byMinute.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, minute]) => {
      const firstTokens = minute.flatMap((turn) =>
        turn.timeToFirstTokenMs === undefined ? [] : [turn.timeToFirstTokenMs],
      );
      const totals = minute.map((turn) => turn.durationMs);
      return {
        at,
        turns: minute.length,
        timeToFirstTokenP50: of(firstTokens, 50),
        timeToFirstTokenP95: of(firstTokens, 95),
        totalP50: of(totals, 50),
        totalP95: of(totals, 95),
      };
    });
}

/**
 * Creates the dashboard's data source.
 *
 * @example
 * ```ts
 * const data = createDashboardData({ ledger, db, metrics, traces, timeline, answerer });
 * const { slowest } = await data.summary();
 * data.waterfall(slowest[0].traceId)?.spans; // its retrieval, model, tool and storage spans
 * ```
 */
export function createDashboardData({
  ledger,
  db,
  metrics,
  traces,
  timeline,
  answerer,
  top = 10,
  now = Date.now,
}: DashboardDataOptions): DashboardData {
  return {
    async summary() {
      const [usage, cache] = await Promise.all([ledger.report(), ledgerCacheTotals(db)]);
      const turns = traces.traces().map(summarizeTurn);
      const firstTokens = turns.flatMap((turn) =>
        turn.timeToFirstTokenMs === undefined ? [] : [turn.timeToFirstTokenMs],
      );
      const timeToFirstTokenMs = percentiles(firstTokens);
      const totalMs = percentiles(turns.map((turn) => turn.durationMs));
      const breakers = metrics
        .snapshot()
        .filter((series) => series.name === METRICS.breakerState)
        .map((series) => ({
          key: series.labels.breaker ?? '',
          state: BREAKER_STATES[series.value] ?? 'open',
        }));
      const generatedAt = now();
      return {
        generatedAt,
        mode: answerer.mode,
        model: answerer.model,
        requests: { bucketMs: timeline.bucketMs, points: timeline.points(generatedAt) },
        latency: {
          turns: turns.length,
          ...(timeToFirstTokenMs && { timeToFirstTokenMs }),
          ...(totalMs && { totalMs }),
          bucketMs: LATENCY_BUCKET_MS,
          points: latencyPoints(turns),
        },
        usage,
        cache: {
          ...cache,
          hitRate: cache.calls === 0 ? 0 : cache.cachedCalls / cache.calls,
          tokenHitRate: cache.inputTokens === 0 ? 0 : cache.cacheReadTokens / cache.inputTokens,
        },
        breakers,
        slowest: [...turns].sort((a, b) => b.durationMs - a.durationMs).slice(0, top),
        mostExpensive: [...turns]
          .filter((turn) => turn.costUsd > 0 || turn.inputTokens + turn.outputTokens > 0)
          .sort(
            (a, b) =>
              b.costUsd - a.costUsd ||
              b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens),
          )
          .slice(0, top),
        buffer: { traces: turns.length, maxTraces: traces.maxTraces },
      };
    },
    waterfall(traceId) {
      const trace = traces.trace(traceId);
      return trace && traceWaterfall(trace);
    },
  };
}
