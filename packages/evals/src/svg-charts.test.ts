import { describe, expect, it } from 'vitest';
import { deltaChart, direction, distributionChart } from './svg-charts';

const metric = (name: string, delta: number, low: number, high: number) => ({
  name,
  delta,
  low,
  high,
  baseline: 0.5,
  candidate: 0.5 + delta,
  pairs: 10,
});

describe('deltaChart', () => {
  it('draws one row per metric, coloured by where its interval lies', () => {
    const svg = deltaChart([
      metric('recall@5', 0.2, 0.1, 0.3),
      metric('faithfulness', -0.2, -0.3, -0.1),
      metric('noLeak', 0, -0.1, 0.1),
    ]);
    expect(svg.match(/<g class="(\w+)" data-metric="([^"]+)"/g)).toEqual([
      '<g class="up" data-metric="recall@5"',
      '<g class="down" data-metric="faithfulness"',
      '<g class="flat" data-metric="noLeak"',
    ]);
    // The axis is symmetric (±0.3), so a delta of 0 sits on the zero line, mid-plot.
    const zero = /class="zero" x1="([\d.]+)"/.exec(svg)?.[1];
    const noLeak = svg.slice(svg.indexOf('data-metric="noLeak"'));
    expect(/class="point" cx="([\d.]+)"/.exec(noLeak)?.[1]).toBe(zero);
    expect(zero).toBe('380.0');
  });

  it('escapes a metric name', () => {
    const svg = deltaChart([metric('<script>x</script>', 0.1, 0, 0.2)]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('reads an interval that touches zero as no change', () => {
    expect(direction({ low: 0, high: 0.4 })).toBe('flat');
    expect(direction({ low: 0.01, high: 0.4 })).toBe('up');
    expect(direction({ low: -0.4, high: -0.01 })).toBe('down');
  });
});

describe('distributionChart', () => {
  it('draws a box plot per series on an axis from zero to the largest value', () => {
    const svg = distributionChart({
      chart: 'latency',
      label: 'Latency per case',
      series: [
        { name: 'baseline', values: [100, 200, 300, 400, 500] },
        { name: 'candidate', values: [] },
      ],
      show: (v) => `${v} ms`,
    });
    expect(svg).toContain('data-chart="latency"');
    const baseline = svg.slice(
      svg.indexOf('data-series="baseline"'),
      svg.indexOf('data-series="candidate"'),
    );
    expect(baseline.match(/class="dot"/g)).toHaveLength(5);
    // 0..500 onto x 180..720: the median (300) at 504, the box from 200 (396) to 400 (612).
    expect(baseline).toContain('class="median" x1="504.0"');
    expect(baseline).toContain('class="box" x="396.0" y="14" width="216.0"');
    expect(baseline).toContain('<title>baseline: median 300 ms, p95 480 ms, 5 cases</title>');
    expect(svg.slice(svg.indexOf('data-series="candidate"'))).toContain('no values');
    expect(svg).toContain('>500 ms</text>');
  });
});
