import { describe, expect, it } from 'vitest';
import { evaluateRetrieval, formatEvaluation, scoreRanking } from './evaluate-retrieval';
import { parseGolden } from './parse-golden';

describe('scoreRanking', () => {
  it('computes recall, precision, MRR, nDCG and MAP by hand-checked values', () => {
    const metrics = scoreRanking(['x', 'a', 'y', 'b'], { a: 1, b: 1, c: 1 }, 4);
    expect(metrics.recall).toBeCloseTo(2 / 3);
    expect(metrics.precision).toBeCloseTo(2 / 4);
    expect(metrics.mrr).toBeCloseTo(1 / 2);
    // DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3) + 1/log2(4)
    expect(metrics.ndcg).toBeCloseTo(
      (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 0.5),
    );
    expect(metrics.map).toBeCloseTo((1 / 2 + 2 / 4) / 3);
    expect(scoreRanking(['a', 'b'], { a: 1, b: 1 }, 2)).toEqual({
      recall: 1,
      precision: 1,
      mrr: 1,
      ndcg: 1,
      map: 1,
    });
    expect(scoreRanking(['a', 'b'], { b: 2, a: 1 }, 2).ndcg).toBeLessThan(1);
  });
});

describe('evaluateRetrieval', () => {
  it('scores each query and averages the judged ones, deduplicating retrieved ids', async () => {
    const report = await evaluateRetrieval({
      queries: [
        { id: 'q1', query: 'keys' },
        { id: 'q2', query: 'billing' },
        { id: 'q3', query: 'unjudged' },
      ],
      qrels: { q1: { 'keys.md': 1 }, q2: { 'billing.md': 1 } },
      retrieve: ({ query }) => (query === 'keys' ? ['keys.md', 'keys.md', 'x'] : ['x', 'y']),
      k: 2,
    });
    expect(report.perQuery[0]).toMatchObject({ retrieved: ['keys.md', 'x'], recall: 1, mrr: 1 });
    expect(report.perQuery[1]).toMatchObject({ recall: 0, mrr: 0 });
    expect(report.unjudged).toEqual(['q3']);
    expect(report.overall.recall).toBe(0.5);
    const table = formatEvaluation(report);
    expect(table.split('\n')[0]).toMatch(/^query\s+recall@2\s+precision@2\s+mrr\s+ndcg@2\s+map$/);
    expect(table).toMatch(/mean\s+0\.500/);
    await expect(
      evaluateRetrieval({ queries: [], qrels: {}, retrieve: () => [], k: 0 }),
    ).rejects.toThrow(/k must be/);
  });
});

describe('parseGolden', () => {
  it('reads ids, lists and graded relevance, and names the bad line', () => {
    const { queries, qrels } = parseGolden(
      '{"id":"a","query":"keys","relevant":["keys.md"]}\n\n{"query":"bill","relevant":{"billing.md":2}}\n',
    );
    expect(queries).toEqual([
      { id: 'a', query: 'keys' },
      { id: 'q2', query: 'bill' },
    ]);
    expect(qrels).toEqual({ a: { 'keys.md': 1 }, q2: { 'billing.md': 2 } });
    expect(() => parseGolden('{"query":"x","relevant":"keys.md"}')).toThrow(/line 1: "relevant"/);
    expect(() => parseGolden('{"query":"x","relevant":[]}\nnot json')).toThrow(
      /line 2 is not JSON/,
    );
  });
});
