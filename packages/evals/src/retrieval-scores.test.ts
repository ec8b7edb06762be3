import { describe, expect, it } from 'vitest';
import { retrievalScorer, scoreRetrieval } from './retrieval-scores';

describe('scoreRetrieval', () => {
  it('scores a ranking by hand-checked values', () => {
    const scores = scoreRetrieval({
      retrieved: ['x.md', 'a.md', 'y.md', 'b.md'],
      relevant: ['a.md', 'b.md'],
      k: 4,
    });
    // hits at ranks 2 and 4: AP = (1/2 + 2/4) / 2; DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expect(scores?.hitRate).toBe(1);
    expect(scores?.recall).toBe(1);
    expect(scores?.mrr).toBe(0.5);
    expect(scores?.map).toBeCloseTo(0.5, 10);
    expect(scores?.ndcg).toBeCloseTo(
      (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)),
      10,
    );
  });

  it('scores 0 everywhere when nothing relevant is in the top k', () => {
    expect(scoreRetrieval({ retrieved: ['x.md', 'a.md'], relevant: ['a.md'], k: 1 })).toEqual({
      hitRate: 0,
      recall: 0,
      mrr: 0,
      ndcg: 0,
      map: 0,
    });
  });

  it('is 1 everywhere for a perfect ranking and null with nothing relevant', () => {
    expect(
      scoreRetrieval({ retrieved: ['a.md', 'a.md', 'b.md'], relevant: ['a.md', 'b.md'], k: 2 }),
    ).toEqual({
      hitRate: 1,
      recall: 1,
      mrr: 1,
      ndcg: 1,
      map: 1,
    });
    expect(scoreRetrieval({ retrieved: ['a.md'], relevant: [] })).toBeNull();
    expect(() => scoreRetrieval({ retrieved: [], relevant: ['a'], k: 0 })).toThrow(/k must be/);
  });

  it('names its scores after k and reads document ids from the passages', async () => {
    const score = retrievalScorer({ k: 3 });
    const set = await score({
      case: { id: 'q', question: 'q', relevant: ['b.md'] },
      output: {
        answer: '',
        retrieved: [
          { citationId: 'a.md#0', sourceId: 'a.md', text: '' },
          { citationId: 'b.md#2', sourceId: 'b.md', text: '' },
        ],
      },
      records: [],
    });
    expect(set.scores).toMatchObject({ 'hitRate@3': 1, 'recall@3': 1, 'mrr@3': 0.5 });
  });
});
