import { describe, expect, it } from 'vitest';
import { pairedBootstrap, percentile, seededRandom } from './statistics';

describe('percentile', () => {
  it('interpolates between order statistics', () => {
    expect(percentile([40, 10, 30, 20], 0.5)).toBe(25);
    expect(percentile([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8, 10);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('pairedBootstrap', () => {
  const baseline = [0, 1, 0, 1, 0, 1, 0, 0, 1, 0];
  const candidate = [1, 1, 1, 1, 0, 1, 1, 0, 1, 1];

  it('is the same for the same seed and differs for another', () => {
    const a = pairedBootstrap(baseline, candidate, { seed: 7 });
    expect(pairedBootstrap(baseline, candidate, { seed: 7 })).toEqual(a);
    // Few resamples of varied differences: another seed draws another interval.
    const varied = [0.13, 0.52, 0.91, 0.27, 0.68];
    const small = { resamples: 25 };
    expect(pairedBootstrap([0, 0, 0, 0, 0], varied, { ...small, seed: 7 })).not.toEqual(
      pairedBootstrap([0, 0, 0, 0, 0], varied, { ...small, seed: 8 }),
    );
    expect(a.delta).toBeCloseTo(0.4, 10);
    expect(a.low).toBeGreaterThanOrEqual(0);
    expect(a.low).toBeLessThan(a.delta);
    expect(a.high).toBeGreaterThan(a.delta);
    expect(a.high).toBeLessThanOrEqual(1);
  });

  it('has a zero-width interval when every pair moves alike', () => {
    expect(pairedBootstrap([0.2, 0.5], [0.3, 0.6], { resamples: 50 })).toEqual({
      delta: expect.closeTo(0.1, 10),
      low: expect.closeTo(0.1, 10),
      high: expect.closeTo(0.1, 10),
    });
  });

  it('refuses unpaired or empty input', () => {
    expect(() => pairedBootstrap([1], [1, 2])).toThrow(/one value per case/);
    expect(() => pairedBootstrap([], [])).toThrow(/baseline.length/);
  });

  it('draws a fixed sequence from a seed', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const draws = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(draws);
    for (const draw of draws) expect(draw >= 0 && draw < 1).toBe(true);
  });
});
