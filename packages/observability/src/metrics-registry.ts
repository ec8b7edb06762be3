/**
 * The in-process metrics aggregator, for apps without OpenTelemetry: counters, gauges and
 * histograms keyed by label set, a JSON snapshot, and Prometheus text exposition (format
 * 0.0.4) to serve from a `/metrics` route.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { METRIC_DESCRIPTORS, type MetricDescriptor, type MetricKind } from './metric-descriptors';

/** Metric labels. */
export type Labels = Record<string, string>;

/** Where measurements go: the registry, the OTel bridge, or both. */
export interface MetricsRecorder {
  /** Adds to a counter. */
  add(name: string, value: number, labels: Labels): void;
  /** Records one observation in a histogram. */
  record(name: string, value: number, labels: Labels): void;
  /** Sets a gauge. */
  set(name: string, value: number, labels: Labels): void;
}

/** One series of a snapshot. */
export interface SeriesSnapshot {
  name: string;
  kind: MetricKind;
  labels: Labels;
  /** Counter total or gauge value; for histograms, the sum. */
  value: number;
  /** Histograms only. */
  count?: number;
  /** Histograms only: cumulative counts per upper bound, the last one `+Inf`. */
  buckets?: { le: number; count: number }[];
}

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /**
   * Label sets kept per metric; further ones are folded into one series labelled
   * `{ overflow: 'true' }`, so a high-cardinality label cannot exhaust memory. Default 2,000.
   */
  maxSeriesPerMetric?: number;
}

/** The in-process aggregator. */
export interface MetricsRegistry extends MetricsRecorder {
  /** Every series, sorted by name then labels. */
  snapshot(): SeriesSnapshot[];
  /** The series one metric, e.g. `value('keel.cost', { feature: 'chat' })`; 0 when absent. */
  value(name: string, labels?: Labels): number;
  /** Prometheus text exposition of every series. */
  prometheus(): string;
  /** Forgets every series. */
  reset(): void;
}

interface Series {
  labels: Labels;
  value: number;
  count: number;
  counts: number[];
}

/** A series key: sorted `name=value` pairs joined by control characters labels never hold. */
function labelKey(labels: Labels): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) key += `${name}\u0001${labels[name]}\u0002`;
  return key;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function promLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k.replace(/[^a-zA-Z0-9_]/g, '_')}="${escapeLabel(labels[k] as string)}"`);
  if (extra) pairs.push(`${extra[0]}="${extra[1]}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function promNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function descriptorOf(name: string, kind: MetricKind): MetricDescriptor {
  const known = METRIC_DESCRIPTORS[name];
  if (known) {
    if (known.kind !== kind) {
      throw new InvalidArgumentError({
        argument: 'name',
        message: `Metric "${name}" is a ${known.kind}, not a ${kind}`,
      });
    }
    return known;
  }
  return {
    name,
    kind,
    unit: '',
    description: name,
    prometheusName: name.replace(/[^a-zA-Z0-9_:]/g, '_') + (kind === 'counter' ? '_total' : ''),
    ...(kind === 'histogram'
      ? { buckets: METRIC_DESCRIPTORS['gen_ai.client.operation.duration']?.buckets ?? [] }
      : {}),
  };
}

/**
 * Creates an in-process metrics registry. `createObservability` makes one by default and
 * exposes it as `observability.metrics`.
 *
 * @example
 * ```ts
 * const metrics = createMetricsRegistry();
 * const obs = createObservability({ metrics, otel: await loadOpenTelemetry() }); // OTel or not
 * app.get('/metrics', () => new Response(metrics.prometheus(), {
 *   headers: { 'content-type': 'text/plain; version=0.0.4' },
 * }));
 * ```
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): MetricsRegistry {
  const { maxSeriesPerMetric = 2_000 } = options;
  assertNumber('maxSeriesPerMetric', maxSeriesPerMetric, { integer: true, min: 1 });
  const metrics = new Map<string, { descriptor: MetricDescriptor; series: Map<string, Series> }>();

  function seriesOf(name: string, kind: MetricKind, labels: Labels): Series {
    let metric = metrics.get(name);
    if (!metric) {
      metric = { descriptor: descriptorOf(name, kind), series: new Map() };
      metrics.set(name, metric);
    } else if (metric.descriptor.kind !== kind) {
      throw new InvalidArgumentError({
        argument: 'name',
        message: `Metric "${name}" is a ${metric.descriptor.kind}, not a ${kind}`,
      });
    }
    let key = labelKey(labels);
    let series = metric.series.get(key);
    if (!series) {
      if (metric.series.size >= maxSeriesPerMetric) {
        labels = { overflow: 'true' };
        key = labelKey(labels);
        series = metric.series.get(key);
      }
      if (!series) {
        const buckets = metric.descriptor.buckets?.length ?? 0;
        series = {
          labels: { ...labels },
          value: 0,
          count: 0,
          counts: new Array(buckets + 1).fill(0),
        };
        metric.series.set(key, series);
      }
    }
    return series;
  }

  function sortedMetrics() {
    return [...metrics.values()].sort((a, b) => a.descriptor.name.localeCompare(b.descriptor.name));
  }

  function sortedSeries(series: Map<string, Series>) {
    return [...series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
  }

  return {
    add(name, value, labels) {
      if (!Number.isFinite(value) || value < 0) return;
      seriesOf(name, 'counter', labels).value += value;
    },
    record(name, value, labels) {
      if (!Number.isFinite(value)) return;
      const series = seriesOf(name, 'histogram', labels);
      const buckets = metrics.get(name)?.descriptor.buckets ?? [];
      let i = 0;
      while (i < buckets.length && value > (buckets[i] as number)) i++;
      series.counts[i] = (series.counts[i] as number) + 1;
      series.value += value;
      series.count++;
    },
    set(name, value, labels) {
      if (!Number.isFinite(value)) return;
      seriesOf(name, 'gauge', labels).value = value;
    },
    value(name, labels = {}) {
      return metrics.get(name)?.series.get(labelKey(labels))?.value ?? 0;
    },
    snapshot() {
      const out: SeriesSnapshot[] = [];
      for (const { descriptor, series } of sortedMetrics()) {
        for (const s of sortedSeries(series)) {
          const entry: SeriesSnapshot = {
            name: descriptor.name,
            kind: descriptor.kind,
            labels: { ...s.labels },
            value: s.value,
          };
          if (descriptor.kind === 'histogram') {
            const bounds = [...(descriptor.buckets ?? []), Number.POSITIVE_INFINITY];
            let cumulative = 0;
            entry.count = s.count;
            entry.buckets = bounds.map((le, i) => {
              cumulative += s.counts[i] as number;
              return { le, count: cumulative };
            });
          }
          out.push(entry);
        }
      }
      return out;
    },
    prometheus() {
      const lines: string[] = [];
      for (const { descriptor, series } of sortedMetrics()) {
        const name = descriptor.prometheusName;
        lines.push(
          `# HELP ${name} ${descriptor.description.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
        );
        lines.push(`# TYPE ${name} ${descriptor.kind}`);
        for (const s of sortedSeries(series)) {
          if (descriptor.kind !== 'histogram') {
            lines.push(`${name}${promLabels(s.labels)} ${promNumber(s.value)}`);
            continue;
          }
          const bounds = [...(descriptor.buckets ?? []), Number.POSITIVE_INFINITY];
          let cumulative = 0;
          bounds.forEach((le, i) => {
            cumulative += s.counts[i] as number;
            lines.push(
              `${name}_bucket${promLabels(s.labels, ['le', promNumber(le)])} ${cumulative}`,
            );
          });
          lines.push(`${name}_sum${promLabels(s.labels)} ${promNumber(s.value)}`);
          lines.push(`${name}_count${promLabels(s.labels)} ${s.count}`);
        }
      }
      return lines.length > 0 ? `${lines.join('\n')}\n` : '';
    },
    reset() {
      metrics.clear();
    },
  };
}
