/**
 * A run in figures: the mean of every score, the operations figures, and the thresholds it
 * meets or misses.
 */
import type { CaseResult } from './case-result';
import { type OperationsMetric, type OperationsSummary, summarizeOperations } from './operations';

/** The mean of one score over the cases it applies to. */
export interface MetricSummary {
  mean: number;
  /** Cases with a value for it. */
  count: number;
}

/** The figures of a run. */
export interface RunSummary {
  cases: number;
  failed: number;
  /** Every score's mean, by name. */
  metrics: Record<string, MetricSummary>;
  operations: OperationsSummary;
  /** Pipeline and scoring together, in USD. */
  totalCostUsd: number;
}

/** Thresholds a run must meet. */
export interface Thresholds {
  /** The lowest acceptable mean of a score, e.g. `{ 'recall@5': 0.8, noLeak: 1 }`. */
  min?: Record<string, number>;
  /** The highest acceptable mean of a score, e.g. `{ declined: 0.03 }`. */
  maxMean?: Record<string, number>;
  /** The highest acceptable operations figure, e.g. `{ latencyP95Ms: 4000, errorRate: 0 }`. */
  max?: Partial<Record<OperationsMetric, number>>;
}

/**
 * Sums a run up.
 *
 * @example
 * ```ts
 * const summary = summarizeRun(run.results);
 * summary.metrics['recall@5']?.mean;
 * ```
 */
export function summarizeRun(results: readonly CaseResult[]): RunSummary {
  const values = new Map<string, number[]>();
  for (const result of results) {
    for (const [name, value] of Object.entries(result.scores)) {
      if (!values.has(name)) values.set(name, []);
      if (value !== null) values.get(name)?.push(value);
    }
  }
  const metrics: Record<string, MetricSummary> = {};
  for (const [name, list] of [...values].sort(([a], [b]) => a.localeCompare(b))) {
    if (list.length === 0) continue;
    metrics[name] = { mean: list.reduce((sum, v) => sum + v, 0) / list.length, count: list.length };
  }
  return {
    cases: results.length,
    failed: results.filter((result) => result.error !== undefined).length,
    metrics,
    operations: summarizeOperations(results),
    totalCostUsd: results.reduce((sum, r) => sum + r.operations.costUsd + r.scoringCostUsd, 0),
  };
}

/**
 * The thresholds `summary` misses, one sentence each; empty when it meets them all. A score
 * or figure with no value misses its threshold.
 *
 * @example
 * ```ts
 * const missed = checkThresholds(summary, { min: { groundedness: 0.8 }, maxMean: { refusal: 0.03 }, max: { errorRate: 0 } });
 * if (missed.length > 0) process.exitCode = 1;
 * ```
 */
export function checkThresholds(
  summary: RunSummary,
  { min = {}, maxMean = {}, max = {} }: Thresholds,
): string[] {
  const missed: string[] = [];
  for (const [name, floor] of Object.entries(min)) {
    const mean = summary.metrics[name]?.mean;
    if (mean === undefined) missed.push(`${name} has no value (need >= ${floor})`);
    else if (mean < floor) missed.push(`${name} ${mean.toFixed(3)} is below ${floor}`);
  }
  for (const [name, ceiling] of Object.entries(maxMean)) {
    const mean = summary.metrics[name]?.mean;
    if (mean === undefined) missed.push(`${name} has no value (need <= ${ceiling})`);
    else if (mean > ceiling) missed.push(`${name} ${mean.toFixed(3)} is above ${ceiling}`);
  }
  for (const [name, ceiling] of Object.entries(max) as [OperationsMetric, number][]) {
    const value = summary.operations[name];
    if (value === null || value === undefined)
      missed.push(`${name} has no value (need <= ${ceiling})`);
    else if (value > ceiling) missed.push(`${name} ${value} is above ${ceiling}`);
  }
  return missed;
}
