/**
 * The HTML report's charts as inline SVG strings: each metric's delta with its bootstrap
 * interval, and box plots of a per-case figure (latency, cost) for one or two runs. Every
 * label is escaped; nothing is loaded.
 */
import type { MetricDelta } from './compare-runs';
import { escapeHtml } from './escape-html';
import { signed } from './format-report';
import { percentile } from './statistics';

const WIDTH = 760;
const LABEL_RIGHT = 170;
const PLOT_LEFT = 180;
const PLOT_RIGHT = 580;
const AXIS_HEIGHT = 28;

const fixed = (n: number) => n.toFixed(1);

/** Maps `[low, high]` onto the plot's x range. */
function xScale(low: number, high: number, right = PLOT_RIGHT): (value: number) => number {
  const span = high - low || 1;
  return (value) => PLOT_LEFT + ((value - low) / span) * (right - PLOT_LEFT);
}

function axis(
  ticks: number[],
  x: (value: number) => number,
  y: number,
  show: (value: number) => string,
): string {
  return ticks
    .map(
      (tick) =>
        `<line class="grid" x1="${fixed(x(tick))}" x2="${fixed(x(tick))}" y1="0" y2="${y}"/>` +
        `<text class="tick" x="${fixed(x(tick))}" y="${y + 16}" text-anchor="middle">${escapeHtml(show(tick))}</text>`,
    )
    .join('');
}

/** Whether a metric (higher is better) moved: its whole interval above or below zero. */
export function direction(metric: Pick<MetricDelta, 'low' | 'high'>): 'up' | 'down' | 'flat' {
  if (metric.low > 0) return 'up';
  if (metric.high < 0) return 'down';
  return 'flat';
}

/**
 * A forest plot: one row per metric, the delta as a dot and its interval as a bar around it,
 * coloured by {@link direction}, on an axis symmetric around zero.
 */
export function deltaChart(metrics: readonly MetricDelta[]): string {
  const row = 28;
  const height = metrics.length * row;
  const reach = Math.max(0.05, ...metrics.flatMap((m) => [Math.abs(m.low), Math.abs(m.high)]));
  const x = xScale(-reach, reach);
  const rows = metrics
    .map((m, index) => {
      const y = index * row + row / 2;
      const summary = `${m.name}: ${signed(m.delta)} [${signed(m.low)}, ${signed(m.high)}], ${m.pairs} pairs`;
      return (
        `<g class="${direction(m)}" data-metric="${escapeHtml(m.name)}"><title>${escapeHtml(summary)}</title>` +
        `<text class="label" x="${LABEL_RIGHT}" y="${y + 4}" text-anchor="end">${escapeHtml(m.name)}</text>` +
        `<line class="interval" x1="${fixed(x(m.low))}" x2="${fixed(x(m.high))}" y1="${y}" y2="${y}"/>` +
        `<circle class="point" cx="${fixed(x(m.delta))}" cy="${y}" r="5"/>` +
        `<text class="value" x="${PLOT_RIGHT + 12}" y="${y + 4}">${escapeHtml(`${signed(m.delta)} [${signed(m.low)}, ${signed(m.high)}]`)}</text></g>`
      );
    })
    .join('');
  const ticks = [-reach, -reach / 2, 0, reach / 2, reach];
  return (
    `<svg data-chart="deltas" role="img" aria-label="Metric deltas with their confidence intervals" viewBox="0 0 ${WIDTH} ${height + AXIS_HEIGHT}" width="${WIDTH}" height="${height + AXIS_HEIGHT}">` +
    `${axis(ticks, x, height, (t) => (t === 0 ? '0' : signed(t)))}` +
    `<line class="zero" x1="${fixed(x(0))}" x2="${fixed(x(0))}" y1="0" y2="${height}"/>${rows}</svg>`
  );
}

/** One run's values of a per-case figure. */
export interface Series {
  name: string;
  values: readonly number[];
}

/**
 * Box plots of a per-case figure, one row per series on a shared axis from zero: whiskers from
 * the smallest to the largest value, the box from p25 to p75, the median and p95 marked, and
 * each case as a dot.
 */
export function distributionChart({
  chart,
  label,
  series,
  show,
}: {
  /** The chart's `data-chart` name, e.g. `latency`. */
  chart: string;
  label: string;
  series: readonly Series[];
  show: (value: number) => string;
}): string {
  const row = 48;
  const height = series.length * row;
  const high = Math.max(0, ...series.flatMap((s) => s.values)) || 1;
  const right = WIDTH - 40;
  const x = xScale(0, high, right);
  const rows = series
    .map(({ name, values }, index) => {
      const y = index * row + row / 2;
      const head = `<g data-series="${escapeHtml(name)}"><text class="label" x="${LABEL_RIGHT}" y="${y + 4}" text-anchor="end">${escapeHtml(name)}</text>`;
      if (values.length === 0) {
        return `${head}<text class="tick" x="${PLOT_LEFT}" y="${y + 4}">no values</text></g>`;
      }
      const at = (p: number) => percentile(values, p) as number;
      const [min, p25, p50, p75, p95, max] = [0, 0.25, 0.5, 0.75, 0.95, 1].map(at) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const summary = `${name}: median ${show(p50)}, p95 ${show(p95)}, ${values.length} cases`;
      const dots = values
        .map(
          (v, i) =>
            `<circle class="dot" cx="${fixed(x(v))}" cy="${fixed(y + ((i % 7) - 3) * 2)}" r="2.5"/>`,
        )
        .join('');
      return (
        `${head}<title>${escapeHtml(summary)}</title>` +
        `<line class="whisker" x1="${fixed(x(min))}" x2="${fixed(x(max))}" y1="${y}" y2="${y}"/>` +
        `<rect class="box" x="${fixed(x(p25))}" y="${y - 10}" width="${fixed(Math.max(1, x(p75) - x(p25)))}" height="20"/>` +
        `<line class="median" x1="${fixed(x(p50))}" x2="${fixed(x(p50))}" y1="${y - 10}" y2="${y + 10}"/>` +
        `<line class="p95" x1="${fixed(x(p95))}" x2="${fixed(x(p95))}" y1="${y - 14}" y2="${y + 14}"/>` +
        `${dots}</g>`
      );
    })
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * high);
  return (
    `<svg data-chart="${escapeHtml(chart)}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${height + AXIS_HEIGHT}" width="${WIDTH}" height="${height + AXIS_HEIGHT}">` +
    `${axis(ticks, x, height, show)}${rows}</svg>`
  );
}
