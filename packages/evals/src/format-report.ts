/**
 * Reports as plain-text tables for a terminal: a run's figures, and a comparison's deltas,
 * changed cases and operations side by side.
 */
import type { Comparison, MetricDelta } from './compare-runs';
import type { OperationsSummary } from './operations';
import type { RunSummary } from './summarize-run';

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = rows;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A score to three places, `-` for none. */
export const score = (value: number | null) => (value === null ? '-' : value.toFixed(3));
/** A change to three places with its sign. */
export const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;

const OPERATIONS: [keyof OperationsSummary, string, (value: number) => string][] = [
  ['latencyP50Ms', 'latency p50', (v) => `${Math.round(v)} ms`],
  ['latencyP95Ms', 'latency p95', (v) => `${Math.round(v)} ms`],
  ['ttftP50Ms', 'ttft p50', (v) => `${Math.round(v)} ms`],
  ['ttftP95Ms', 'ttft p95', (v) => `${Math.round(v)} ms`],
  ['costPerAnswerUsd', 'cost per answer', (v) => `$${v.toFixed(6)}`],
  ['errorRate', 'error rate', (v) => v.toFixed(3)],
];

/** The operations figures of one or more runs as rows: a label, then each run's value. */
export function operationRows(summaries: OperationsSummary[]): string[][] {
  return OPERATIONS.map(([key, label, show]) => [
    label,
    ...summaries.map((summary) => {
      const value = summary[key];
      return value === null ? '-' : show(value);
    }),
  ]);
}

/** A header naming the two runs, then a row per metric: the means, the delta and its interval. */
export function deltaRows(
  metrics: readonly MetricDelta[],
  [before, after]: readonly [string, string] = ['baseline', 'candidate'],
): string[][] {
  return [
    ['metric', before, after, 'delta', '95% interval', 'pairs'],
    ...metrics.map((m) => [
      m.name,
      score(m.baseline),
      score(m.candidate),
      signed(m.delta),
      `[${signed(m.low)}, ${signed(m.high)}]`,
      String(m.pairs),
    ]),
  ];
}

/**
 * A run's scores and operations as a table.
 *
 * @example
 * ```ts
 * process.stdout.write(formatRun(run.summary));
 * ```
 */
export function formatRun(summary: RunSummary): string {
  const scores = table([
    ['metric', 'mean', 'cases'],
    ...Object.entries(summary.metrics).map(([name, m]) => [name, score(m.mean), String(m.count)]),
  ]);
  const operations = table([['operations', 'value'], ...operationRows([summary.operations])]);
  return `${scores}\n\n${operations}\n\n${summary.cases} cases, ${summary.failed} failed, $${summary.totalCostUsd.toFixed(6)} in all\n`;
}

/**
 * A comparison as tables: deltas with their intervals, operations side by side, the changed
 * cases, and the thresholds missed.
 *
 * @example
 * ```ts
 * process.stdout.write(formatComparison(comparison));
 * ```
 */
export function formatComparison(comparison: Comparison): string {
  const deltas = table(deltaRows(comparison.metrics));
  const operations = table([
    ['operations', 'baseline', 'candidate'],
    ...operationRows([comparison.baseline.operations, comparison.candidate.operations]),
    [
      'total cost',
      `$${comparison.baseline.totalCostUsd.toFixed(6)}`,
      `$${comparison.candidate.totalCostUsd.toFixed(6)}`,
    ],
  ]);
  const changed =
    comparison.changed.length === 0
      ? 'No case changed.'
      : table([
          ['changed case', 'metric', 'baseline', 'candidate'],
          ...comparison.changed.map((c) => [c.id, c.metric, score(c.baseline), score(c.candidate)]),
        ]);
  const gate =
    comparison.missed.length === 0
      ? 'All thresholds met.'
      : `Thresholds missed:\n${comparison.missed.map((m) => `  - ${m}`).join('\n')}`;
  return `${deltas}\n\n${operations}\n\n${changed}\n\n${gate}\n`;
}
