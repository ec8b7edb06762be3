import { describe, expect, it } from 'vitest';
import { checkThresholds, type RunSummary } from './summarize-run';

const summary: RunSummary = {
  cases: 4,
  failed: 0,
  metrics: { factRecall: { mean: 0.75, count: 4 }, declined: { mean: 0.25, count: 4 } },
  operations: {
    latencyP50Ms: 10,
    latencyP95Ms: 20,
    ttftP50Ms: null,
    ttftP95Ms: null,
    costPerAnswerUsd: 0,
    errorRate: 0,
  },
  totalCostUsd: 0,
};

describe('checkThresholds', () => {
  it('holds score means to a floor and a ceiling, and operations to a ceiling', () => {
    expect(
      checkThresholds(summary, {
        min: { factRecall: 0.75 },
        maxMean: { declined: 0.25 },
        max: { errorRate: 0 },
      }),
    ).toEqual([]);
    expect(
      checkThresholds(summary, {
        min: { factRecall: 0.8 },
        maxMean: { declined: 0.03 },
        max: { latencyP95Ms: 5 },
      }),
    ).toEqual([
      'factRecall 0.750 is below 0.8',
      'declined 0.250 is above 0.03',
      'latencyP95Ms 20 is above 5',
    ]);
  });

  it('misses a threshold whose score or figure has no value', () => {
    expect(
      checkThresholds(summary, {
        min: { groundedness: 0.5 },
        maxMean: { noLeak: 1 },
        max: { ttftP95Ms: 100 },
      }),
    ).toEqual([
      'groundedness has no value (need >= 0.5)',
      'noLeak has no value (need <= 1)',
      'ttftP95Ms has no value (need <= 100)',
    ]);
  });
});
