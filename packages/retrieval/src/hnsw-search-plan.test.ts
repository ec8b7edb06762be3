import { describe, expect, it } from 'vitest';
import { GRAPH_CANDIDATE_COST, planFilteredSearch } from './hnsw-search-plan';

const size = 100_000;
const k = 10;

describe('planFilteredSearch', () => {
  it('scans tenant-sized filters exactly and answers broad ones from a widened graph', () => {
    const plans = [100, 1_000, 10_000, 50_000, 100_000].map((matches) =>
      planFilteredSearch({ matches, size, k, ef: 200 }),
    );
    expect(plans).toEqual([
      { strategy: 'exact' },
      { strategy: 'exact' },
      { strategy: 'graph', ef: 2_000, k: 227 },
      { strategy: 'graph', ef: 400, k: 46 },
      { strategy: 'graph', ef: 200, k: 23 },
    ]);
  });

  it('switches once, where the exact scan costs as much as the graph', () => {
    for (const ef of [16, 64, 200]) {
      const strategies = Array.from(
        { length: 20_000 },
        (_, i) => planFilteredSearch({ matches: k + 1 + i, size, k, ef }).strategy,
      );
      const switchAt = k + 1 + strategies.indexOf('graph');
      expect(strategies.lastIndexOf('exact')).toBe(strategies.indexOf('graph') - 1);
      expect(switchAt).toBeCloseTo(Math.sqrt(GRAPH_CANDIDATE_COST * ef * size), -1);
    }
  });

  it('answers filters matching at most k exactly, and never asks the graph for more than the store', () => {
    expect(planFilteredSearch({ matches: k, size, k, ef: 64 })).toEqual({ strategy: 'exact' });
    const small = planFilteredSearch({
      matches: 30,
      size: 40,
      k: 25,
      ef: 64,
      exactFilterFraction: 0,
    });
    expect(small).toEqual({ strategy: 'graph', ef: 40, k: 40 });
  });

  it('follows a fixed exactFilterFraction instead of the cost model', () => {
    const at = (exactFilterFraction: number, matches: number) =>
      planFilteredSearch({ matches, size, k, ef: 64, exactFilterFraction }).strategy;
    expect(at(0.05, 5_000)).toBe('exact');
    expect(at(0.05, 5_001)).toBe('graph');
    expect(at(0, 11)).toBe('graph');
    expect(at(1, size)).toBe('exact');
  });
});
