import { describe, expect, it } from 'vitest';
import { result } from '../test/case-result';
import { compareRuns } from './compare-runs';
import { formatComparison, formatRun } from './format-report';

const baseline = ['a', 'b', 'c', 'd'].map((id, i) =>
  result('baseline', id, { recall: i % 2, faith: 0.5 }),
);
const candidate = ['a', 'b', 'c', 'd', 'e'].map((id) =>
  result('candidate', id, { recall: 1, faith: 0.25 }, 300),
);

describe('compareRuns', () => {
  it('reports per-metric deltas with seeded intervals, changed cases and unpaired ids', () => {
    const comparison = compareRuns(baseline, candidate, { seed: 3 });
    expect(compareRuns(baseline, candidate, { seed: 3 })).toEqual(comparison);
    const recall = comparison.metrics.find((m) => m.name === 'recall');
    expect(recall).toMatchObject({ baseline: 0.5, candidate: 1, delta: 0.5, pairs: 4 });
    expect(recall?.low).toBeLessThanOrEqual(0.5);
    expect(recall?.high).toBeLessThanOrEqual(1);
    expect(comparison.changed).toEqual([
      { id: 'a', metric: 'faith', baseline: 0.5, candidate: 0.25 },
      { id: 'b', metric: 'faith', baseline: 0.5, candidate: 0.25 },
      { id: 'c', metric: 'faith', baseline: 0.5, candidate: 0.25 },
      { id: 'd', metric: 'faith', baseline: 0.5, candidate: 0.25 },
      { id: 'a', metric: 'recall', baseline: 0, candidate: 1 },
      { id: 'c', metric: 'recall', baseline: 0, candidate: 1 },
    ]);
    expect(comparison.unpaired).toEqual(['e']);
    expect(comparison.candidate.operations.latencyP50Ms).toBe(300);
    expect(comparison.missed).toEqual([]);
  });

  it('misses a threshold when a metric falls too far or an operations figure is too high', () => {
    const { missed } = compareRuns(baseline, candidate, {
      thresholds: {
        maxDrop: { faith: 0.1, recall: 0 },
        min: { recall: 0.9 },
        max: { latencyP95Ms: 200 },
      },
    });
    expect(missed).toEqual(['latencyP95Ms 300 is above 200', 'faith fell by 0.250, more than 0.1']);
  });

  it('formats a run and a comparison as tables', () => {
    const text = formatComparison(
      compareRuns(baseline, candidate, { thresholds: { maxDrop: { faith: 0 } } }),
    );
    expect(text).toMatch(/recall\s+0\.500\s+1\.000\s+\+0\.500/);
    expect(text).toMatch(/latency p50\s+100 ms\s+300 ms/);
    expect(text).toContain('Thresholds missed:\n  - faith fell by 0.250');
    expect(formatRun(compareRuns(baseline, candidate).candidate)).toMatch(/^metric\s+mean\s+cases/);
  });
});
