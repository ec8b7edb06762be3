/**
 * The bridge to OpenTelemetry metrics: Keel's measurements as OTel instruments, created on
 * first use with the units, descriptions and bucket advice of the descriptor table.
 */
import { METRIC_DESCRIPTORS } from './metric-descriptors';
import type { MetricsRecorder } from './metrics-registry';
import type { MeterLike, MetricInstrumentOptions } from './span-types';

/**
 * Records Keel's metrics through an OpenTelemetry `Meter`. With no metrics SDK registered,
 * OTel's no-op meter makes this cost next to nothing.
 *
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * const obs = createObservability({ meter: metrics.getMeter('my-app') });
 * ```
 */
export function otelMetricsRecorder(meter: MeterLike): MetricsRecorder {
  const instruments = new Map<string, unknown>();

  /** The instrument of a metric, created on first use. */
  function instrument<T>(name: string, create: (options: MetricInstrumentOptions) => T): T {
    if (!instruments.has(name)) instruments.set(name, create(options(name)));
    return instruments.get(name) as T;
  }

  return {
    add(name, value, labels) {
      instrument(name, (o) => meter.createCounter(name, o)).add(value, labels);
    },
    record(name, value, labels) {
      instrument(name, (o) => meter.createHistogram(name, o)).record(value, labels);
    },
    set(name, value, labels) {
      // Gauges arrived in @opentelemetry/api 1.9 (`createGauge`); older meters skip them.
      instrument(name, (o) => meter.createGauge?.(name, o))?.record(value, labels);
    },
  };
}

function options(name: string): MetricInstrumentOptions {
  const descriptor = METRIC_DESCRIPTORS[name];
  if (!descriptor) return {};
  return {
    description: descriptor.description,
    unit: descriptor.unit,
    ...(descriptor.buckets
      ? { advice: { explicitBucketBoundaries: [...descriptor.buckets] } }
      : {}),
  };
}
