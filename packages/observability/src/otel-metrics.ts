/**
 * The bridge to OpenTelemetry metrics: Keel's measurements as OTel instruments, created on
 * first use with the units, descriptions and bucket advice of the descriptor table.
 */
import { METRIC_DESCRIPTORS } from './metric-descriptors';
import type { MetricsRecorder } from './metrics-registry';
import type { CounterLike, HistogramLike, MeterLike, MetricInstrumentOptions } from './span-types';

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
  const counters = new Map<string, CounterLike>();
  const histograms = new Map<string, HistogramLike>();
  const gauges = new Map<string, HistogramLike | undefined>();

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

  return {
    add(name, value, labels) {
      let counter = counters.get(name);
      if (!counter) {
        counter = meter.createCounter(name, options(name));
        counters.set(name, counter);
      }
      counter.add(value, labels);
    },
    record(name, value, labels) {
      let histogram = histograms.get(name);
      if (!histogram) {
        histogram = meter.createHistogram(name, options(name));
        histograms.set(name, histogram);
      }
      histogram.record(value, labels);
    },
    set(name, value, labels) {
      // Gauges arrived in @opentelemetry/api 1.9 (`createGauge`); older meters skip them.
      if (!gauges.has(name)) gauges.set(name, meter.createGauge?.(name, options(name)));
      gauges.get(name)?.record(value, labels);
    },
  };
}
