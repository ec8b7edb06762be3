/**
 * Baseline against candidate on the same cases: per-metric deltas with paired bootstrap
 * confidence intervals, the cases that changed, operations side by side, and the thresholds
 * the candidate misses.
 */
import { assertNumber } from '@keel/core/internal';
import type { CaseResult } from './case-result';
import { type BootstrapOptions, type DeltaInterval, pairedBootstrap } from './statistics';
import { checkThresholds, type RunSummary, summarizeRun, type Thresholds } from './summarize-run';

/** A metric's change from baseline to candidate, over the cases both scored. */
export interface MetricDelta extends DeltaInterval {
  name: string;
  baseline: number;
  candidate: number;
  /** Cases scored by both runs. */
  pairs: number;
}

/** A case whose score moved by at least `minChange`. */
export interface ChangedCase {
  id: string;
  metric: string;
  baseline: number | null;
  candidate: number | null;
}

/** Thresholds of a comparison: the candidate's own, and how far a metric may fall. */
export interface CompareThresholds extends Thresholds {
  /** The largest acceptable fall of a metric's mean, e.g. `{ faithfulness: 0.02 }`. */
  maxDrop?: Record<string, number>;
}

/** Options of {@link compareRuns}. */
export interface CompareOptions extends BootstrapOptions {
  thresholds?: CompareThresholds;
  /** A case is listed as changed when a score moves by at least this; default 0.2. */
  minChange?: number;
}

/** A comparison. */
export interface Comparison {
  metrics: MetricDelta[];
  changed: ChangedCase[];
  baseline: RunSummary;
  candidate: RunSummary;
  /** Ids in only one of the runs (left out of the deltas). */
  unpaired: string[];
  /** Thresholds missed, one sentence each; the gate passes when empty. */
  missed: string[];
}

/**
 * Compares two runs case by case. Deltas are candidate minus baseline; the interval comes from
 * a seeded paired bootstrap, so the same runs and seed give the same report.
 *
 * @example
 * ```ts
 * const comparison = compareRuns(await readResults('baseline.jsonl'), await readResults('candidate.jsonl'), {
 *   seed: 7,
 *   thresholds: { maxDrop: { faithfulness: 0.02 }, max: { latencyP95Ms: 4_000 } },
 * });
 * if (comparison.missed.length > 0) process.exitCode = 1;
 * ```
 */
export function compareRuns(
  baseline: readonly CaseResult[],
  candidate: readonly CaseResult[],
  { thresholds = {}, minChange = 0.2, ...bootstrap }: CompareOptions = {},
): Comparison {
  assertNumber('minChange', minChange, { min: 0 });
  const candidateById = new Map(candidate.map((result) => [result.id, result]));
  const baselineIds = new Set(baseline.map((result) => result.id));
  const pairs = baseline.flatMap((result) => {
    const other = candidateById.get(result.id);
    return other === undefined ? [] : [[result, other] as const];
  });
  const names = [
    ...new Set(pairs.flatMap(([a, b]) => [...Object.keys(a.scores), ...Object.keys(b.scores)])),
  ].sort();
  const metrics: MetricDelta[] = [];
  const changed: ChangedCase[] = [];
  for (const name of names) {
    const before: number[] = [];
    const after: number[] = [];
    for (const [a, b] of pairs) {
      const x = a.scores[name] ?? null;
      const y = b.scores[name] ?? null;
      if (x !== null && y !== null) {
        before.push(x);
        after.push(y);
      }
      if (
        (x === null) !== (y === null) ||
        (x !== null && y !== null && Math.abs(y - x) >= minChange)
      ) {
        changed.push({ id: a.id, metric: name, baseline: x, candidate: y });
      }
    }
    if (before.length === 0) continue;
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    metrics.push({
      name,
      baseline: mean(before),
      candidate: mean(after),
      pairs: before.length,
      ...pairedBootstrap(before, after, bootstrap),
    });
  }
  const candidateSummary = summarizeRun(candidate);
  const missed = checkThresholds(candidateSummary, thresholds);
  for (const [name, drop] of Object.entries(thresholds.maxDrop ?? {})) {
    const metric = metrics.find((m) => m.name === name);
    if (metric === undefined) missed.push(`${name} was not scored by both runs`);
    else if (metric.delta < -drop) {
      missed.push(`${name} fell by ${(-metric.delta).toFixed(3)}, more than ${drop}`);
    }
  }
  return {
    metrics,
    changed,
    baseline: summarizeRun(baseline),
    candidate: candidateSummary,
    unpaired: [
      ...baseline.filter((r) => !candidateById.has(r.id)).map((r) => r.id),
      ...candidate.filter((r) => !baselineIds.has(r.id)).map((r) => r.id),
    ],
    missed,
  };
}
