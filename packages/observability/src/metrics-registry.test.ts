import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics-registry';

describe('createMetricsRegistry', () => {
  it('sums counters per label set and sets gauges', () => {
    const registry = createMetricsRegistry();
    registry.add('keel.cost', 0.25, { feature: 'chat' });
    registry.add('keel.cost', 0.5, { feature: 'chat' });
    registry.add('keel.cost', 1, { feature: 'search' });
    registry.add('keel.cost', -3, { feature: 'chat' }); // counters never go down
    registry.set('keel.breaker.state', 2, { breaker: 'openai' });
    expect(registry.value('keel.cost', { feature: 'chat' })).toBe(0.75);
    expect(registry.value('keel.breaker.state', { breaker: 'openai' })).toBe(2);
    expect(registry.value('keel.cost', { feature: 'none' })).toBe(0);
  });

  it('buckets histograms cumulatively in the snapshot', () => {
    const registry = createMetricsRegistry();
    for (const seconds of [0.005, 0.015, 0.015, 100]) {
      registry.record('gen_ai.client.operation.duration', seconds, { model: 'm' });
    }
    const [series] = registry.snapshot();
    expect(series).toMatchObject({ kind: 'histogram', count: 4, value: 100.035 });
    expect(series?.buckets?.slice(0, 2)).toEqual([
      { le: 0.01, count: 1 },
      { le: 0.02, count: 3 },
    ]);
    expect(series?.buckets?.at(-1)).toEqual({ le: Number.POSITIVE_INFINITY, count: 4 });
  });

  it('renders Prometheus text exposition with HELP, TYPE, escaped labels and buckets', () => {
    const registry = createMetricsRegistry();
    registry.add('keel.calls', 2, { kind: 'model-call', feature: 'say "hi"\n' });
    registry.record('gen_ai.client.token.usage', 20, { 'gen_ai.token.type': 'input' });
    const text = registry.prometheus();
    expect(text).toContain('# TYPE keel_calls_total counter');
    expect(text).toContain('keel_calls_total{feature="say \\"hi\\"\\n",kind="model-call"} 2');
    expect(text).toContain('# TYPE gen_ai_client_token_usage histogram');
    expect(text).toContain('gen_ai_client_token_usage_bucket{gen_ai_token_type="input",le="16"} 0');
    expect(text).toContain('gen_ai_client_token_usage_bucket{gen_ai_token_type="input",le="64"} 1');
    expect(text).toContain(
      'gen_ai_client_token_usage_bucket{gen_ai_token_type="input",le="+Inf"} 1',
    );
    expect(text).toContain('gen_ai_client_token_usage_sum{gen_ai_token_type="input"} 20');
    expect(text).toContain('gen_ai_client_token_usage_count{gen_ai_token_type="input"} 1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('accepts metrics of its own, and refuses to change a metric kind', () => {
    const registry = createMetricsRegistry();
    registry.add('app.jobs', 1, {});
    expect(registry.prometheus()).toContain('app_jobs_total 1');
    expect(() => registry.record('app.jobs', 1, {})).toThrow(InvalidArgumentError);
    expect(() => registry.set('keel.cost', 1, {})).toThrow(/is a counter, not a gauge/);
  });

  it('folds label sets past maxSeriesPerMetric into one overflow series', () => {
    const registry = createMetricsRegistry({ maxSeriesPerMetric: 2 });
    for (let i = 0; i < 10; i++) registry.add('keel.calls', 1, { user: `u${i}` });
    expect(registry.snapshot()).toHaveLength(3);
    expect(registry.value('keel.calls', { overflow: 'true' })).toBe(8);
    registry.reset();
    expect(registry.prometheus()).toBe('');
  });

  it('rejects a bad maxSeriesPerMetric', () => {
    expect(() => createMetricsRegistry({ maxSeriesPerMetric: 0 })).toThrow(InvalidArgumentError);
  });
});
