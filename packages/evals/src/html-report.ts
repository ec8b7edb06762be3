/**
 * Reports as one self-contained HTML file that opens from disk: charts of the metric deltas
 * with their intervals and of latency and cost per case, the operations side by side, and the
 * cases that changed with both answers and their scores, filterable. Every string from a run
 * is escaped; the page loads nothing and runs only its own filter script.
 */
import type { CaseResult } from './case-result';
import type { ChangedCase, Comparison } from './compare-runs';
import { escapeHtml } from './escape-html';
import { deltaRows, operationRows, score } from './format-report';
import { type CaseFilter, caseFilters, htmlPage } from './html-page';
import type { RunSummary } from './summarize-run';
import { deltaChart, direction, distributionChart, type Series } from './svg-charts';

/** Rows of plain text as a table, the first row its header; cells are escaped here. */
function htmlTable(
  rows: readonly (readonly string[])[],
  rowClass: (index: number) => string = () => '',
) {
  const [header = [], ...body] = rows;
  const cells = (tag: string, row: readonly string[]) =>
    row.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('');
  return `<table><thead><tr>${cells('th', header)}</tr></thead><tbody>${body
    .map(
      (row, i) =>
        `<tr${rowClass(i) === '' ? '' : ` class="${rowClass(i)}"`}>${cells('td', row)}</tr>`,
    )
    .join('')}</tbody></table>`;
}

function gate(missed: readonly string[]): string {
  return missed.length === 0
    ? '<p class="gate pass" data-gate="pass">All thresholds met.</p>'
    : `<div class="gate fail" data-gate="fail">Thresholds missed:<ul>${missed.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul></div>`;
}

const ms = (v: number) => `${Math.round(v)} ms`;
const usd = (v: number) => (v === 0 ? '$0' : `$${v.toPrecision(2)}`);

function distributions(series: (pick: (r: CaseResult) => number) => Series[]): string {
  return (
    '<h2>Latency and cost per case</h2><h3>Latency per case</h3>' +
    distributionChart({
      chart: 'latency',
      label: 'Latency per case',
      series: series((r) => r.operations.latencyMs),
      show: ms,
    }) +
    '<h3>Pipeline cost per case</h3>' +
    distributionChart({
      chart: 'cost',
      label: 'Pipeline cost per case',
      series: series((r) => r.operations.costUsd),
      show: usd,
    }) +
    '<p>Box from p25 to p75, the median as a line, p95 dashed, each case a dot.</p>'
  );
}

function tags(result: CaseResult | undefined): string {
  return (result?.tags ?? []).map((t) => `<span class="tag">${escapeHtml(t)}</span>`).join('');
}

function question(result: CaseResult | undefined): string {
  return result?.question === undefined
    ? ''
    : `<p class="question">${escapeHtml(result.question)}</p>`;
}

/** The answer of one side, or why the pipeline failed. */
function answer(result: CaseResult | undefined, side: string): string {
  if (result === undefined) return '<p class="error">not in this run</p>';
  if (result.error !== undefined) {
    return `<p class="error" data-side="${side}">${escapeHtml(`${result.error.name}: ${result.error.message}`)}</p>`;
  }
  return `<div class="answer" data-side="${side}">${escapeHtml(result.output?.answer ?? '')}</div>`;
}

const tokensAttribute = (tokens: readonly string[]) =>
  `data-tokens="${escapeHtml(JSON.stringify([...new Set(tokens)]))}"`;

function moved(change: ChangedCase): 'up' | 'down' | 'scored' {
  if (change.baseline === null || change.candidate === null) return 'scored';
  return change.candidate > change.baseline ? 'up' : 'down';
}

function tagOptions(results: readonly CaseResult[]): CaseFilter['options'] {
  return [...new Set(results.flatMap((r) => r.tags))]
    .sort()
    .map((t) => ({ token: `tag:${t}`, label: t }));
}

/** What {@link formatComparisonHtml} reports on. */
export interface ComparisonReport {
  comparison: Comparison;
  /** The results the comparison was made from, for the answers of the changed cases. */
  baseline: readonly CaseResult[];
  candidate: readonly CaseResult[];
  /** The page's title; default `keel-evals: <baseline> vs <candidate>`. */
  title?: string;
}

/**
 * A comparison as a self-contained HTML page: the gate, a chart and a table of the metric
 * deltas with their bootstrap intervals, operations side by side with latency and cost
 * distributions, and the changed cases with both answers and every score, filterable by text,
 * metric, direction and tag. The comparison and both runs' results are embedded as JSON.
 *
 * @example
 * ```ts
 * await writeFile('report.html', formatComparisonHtml({ comparison, baseline, candidate }));
 * ```
 */
export function formatComparisonHtml({
  comparison,
  baseline,
  candidate,
  title,
}: ComparisonReport): string {
  const names = [baseline[0]?.run ?? 'baseline', candidate[0]?.run ?? 'candidate'] as const;
  const heading = title ?? `keel-evals: ${names[0]} vs ${names[1]}`;
  const before = new Map(baseline.map((r) => [r.id, r]));
  const after = new Map(candidate.map((r) => [r.id, r]));
  const byCase = new Map<string, ChangedCase[]>();
  for (const change of comparison.changed) {
    byCase.set(change.id, [...(byCase.get(change.id) ?? []), change]);
  }
  const cases = [...byCase].map(([id, changes]) => {
    const a = before.get(id);
    const b = after.get(id);
    const changedNames = new Set(changes.map((c) => c.metric));
    const metricNames = [
      ...new Set([...Object.keys(a?.scores ?? {}), ...Object.keys(b?.scores ?? {})]),
    ].sort();
    const scores = htmlTable(
      [
        ['score', names[0], names[1]],
        ...metricNames.map((m) => [m, score(a?.scores[m] ?? null), score(b?.scores[m] ?? null)]),
      ],
      (i) => {
        const change = changes.find((c) => c.metric === metricNames[i]);
        return change === undefined ? '' : `changed ${moved(change)}-text`;
      },
    );
    const tokens = [
      ...[...changedNames].map((m) => `metric:${m}`),
      ...changes.map((c) => `moved:${moved(c)}`),
      ...(a?.tags ?? []).map((t) => `tag:${t}`),
    ];
    return (
      `<article class="case" data-case="${escapeHtml(id)}" ${tokensAttribute(tokens)}>` +
      `<h3>${escapeHtml(id)} ${tags(a ?? b)}</h3>${question(a ?? b)}${scores}` +
      `<div class="sides"><section><h4>${escapeHtml(names[0])}</h4>${answer(a, 'baseline')}</section>` +
      `<section><h4>${escapeHtml(names[1])}</h4>${answer(b, 'candidate')}</section></div></article>`
    );
  });
  const metricOptions = [...new Set(comparison.changed.map((c) => c.metric))]
    .sort()
    .map((m) => ({ token: `metric:${m}`, label: m }));
  const { metrics } = comparison;
  const body = [
    `<h1>${escapeHtml(heading)}</h1>`,
    `<p>${escapeHtml(`${names[0]}: ${comparison.baseline.cases} cases, ${names[1]}: ${comparison.candidate.cases} cases; deltas are ${names[1]} minus ${names[0]}.`)}</p>`,
    gate(comparison.missed),
    '<h2>Metric deltas</h2>',
    metrics.length === 0 ? '<p>No metric was scored by both runs.</p>' : deltaChart(metrics),
    '<p>Each dot is the change of a mean, its bar the paired bootstrap interval: green when the whole interval is above zero, red when below, grey when it spans zero.</p>',
    htmlTable(
      deltaRows(metrics, names),
      (i) => `${direction(metrics[i] as (typeof metrics)[number])}-text`,
    ),
    '<h2>Operations</h2>',
    htmlTable([
      ['operations', names[0], names[1]],
      ...operationRows([comparison.baseline.operations, comparison.candidate.operations]),
      ['total cost', usd(comparison.baseline.totalCostUsd), usd(comparison.candidate.totalCostUsd)],
    ]),
    distributions((pick) => [
      { name: names[0], values: baseline.map(pick) },
      { name: names[1], values: candidate.map(pick) },
    ]),
    `<h2>Changed cases (${byCase.size})</h2>`,
    comparison.unpaired.length === 0
      ? ''
      : `<p>In one run only: ${escapeHtml(comparison.unpaired.join(', '))}</p>`,
    cases.length === 0
      ? '<p>No case changed.</p>'
      : caseFilters([
          { name: 'metric', label: 'Metric', options: metricOptions },
          {
            name: 'moved',
            label: 'Moved',
            options: [
              { token: 'moved:up', label: 'up' },
              { token: 'moved:down', label: 'down' },
              { token: 'moved:scored', label: 'scored in one run only' },
            ],
          },
          { name: 'tag', label: 'Tag', options: tagOptions(baseline) },
        ]),
    `<div id="cases">${cases.join('')}</div>`,
  ].join('\n');
  return htmlPage({ title: heading, body, data: { comparison, baseline, candidate } });
}

/** What {@link formatRunHtml} reports on: a finished run, or results read back with a summary. */
export interface RunReport {
  name: string;
  results: readonly CaseResult[];
  summary: RunSummary;
  /** Ids of cases the cost cap left unrun. */
  skipped?: readonly string[];
  /** Thresholds missed, as `checkThresholds` lists them. */
  missed?: readonly string[];
  /** The page's title; default `keel-evals: <name>`. */
  title?: string;
}

/**
 * One run as a self-contained HTML page: the gate, every score's mean, the operations with
 * latency and cost distributions, and every case with its answer and scores, filterable by
 * text, status and tag. The results are embedded as JSON.
 *
 * @example
 * ```ts
 * await writeFile('run.html', formatRunHtml({ ...run, missed: checkThresholds(run.summary, thresholds) }));
 * ```
 */
export function formatRunHtml({
  name,
  results,
  summary,
  skipped = [],
  missed = [],
  title,
}: RunReport): string {
  const heading = title ?? `keel-evals: ${name}`;
  const cases = results.map((result) => {
    const tokens = [
      result.error === undefined ? 'status:ok' : 'status:failed',
      ...result.tags.map((t) => `tag:${t}`),
    ];
    const scores = htmlTable([
      ['score', 'value'],
      ...Object.entries(result.scores).map(([m, v]) => [m, score(v)]),
    ]);
    return (
      `<article class="case" data-case="${escapeHtml(result.id)}" ${tokensAttribute(tokens)}>` +
      `<h3>${escapeHtml(result.id)} ${tags(result)}</h3>${question(result)}` +
      `<div class="sides"><section>${answer(result, 'run')}</section><section>${scores}</section></div></article>`
    );
  });
  const body = [
    `<h1>${escapeHtml(heading)}</h1>`,
    `<p>${escapeHtml(`${summary.cases} cases, ${summary.failed} failed, ${usd(summary.totalCostUsd)} in all${skipped.length === 0 ? '' : `; ${skipped.length} not run (cost cap): ${skipped.join(', ')}`}.`)}</p>`,
    gate(missed),
    '<h2>Scores</h2>',
    htmlTable([
      ['metric', 'mean', 'cases'],
      ...Object.entries(summary.metrics).map(([m, s]) => [m, score(s.mean), String(s.count)]),
    ]),
    '<h2>Operations</h2>',
    htmlTable([['operations', 'value'], ...operationRows([summary.operations])]),
    distributions((pick) => [{ name, values: results.map(pick) }]),
    `<h2>Cases (${results.length})</h2>`,
    caseFilters([
      {
        name: 'status',
        label: 'Status',
        options: [
          { token: 'status:ok', label: 'answered' },
          { token: 'status:failed', label: 'failed' },
        ],
      },
      { name: 'tag', label: 'Tag', options: tagOptions(results) },
    ]),
    `<div id="cases">${cases.join('')}</div>`,
  ].join('\n');
  return htmlPage({ title: heading, body, data: { name, summary, skipped, missed, results } });
}
