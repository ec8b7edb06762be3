import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyze';
import { createBm25Index } from './bm25-index';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'kappa', 'sigma', 'zeta'];
const text = fc
  .array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 12 })
  .map((words) => words.join(' '));
const operation = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 12 }), text }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 12 }) }),
);

/** Lucene BM25 over the live documents, one term weight per distinct query term. */
function bruteForce(documents: Map<string, string>, query: string, k1 = 1.2, b = 0.75) {
  const analyze = createAnalyzer({});
  const docs = [...documents].map(([id, body]) => ({ id, words: analyze(body) }));
  const average = docs.reduce((sum, doc) => sum + doc.words.length, 0) / docs.length || 1;
  const scores = new Map<string, number>();
  for (const term of new Set(analyze(query))) {
    const df = docs.filter((doc) => doc.words.includes(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    for (const doc of docs) {
      const tf = doc.words.filter((word) => word === term).length;
      if (tf === 0) continue;
      const norm = k1 * (1 - b + (b * doc.words.length) / average);
      scores.set(doc.id, (scores.get(doc.id) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
    }
  }
  return scores;
}

describe('BM25 with MaxScore pruning (property)', () => {
  it('ranks like brute-force BM25 after removes and re-adds of the same ids', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        (operations, queryWords, k) => {
          const index = createBm25Index();
          const live = new Map<string, string>();
          for (const op of operations) {
            const id = `doc${op.id}`;
            if (op.kind === 'add') {
              index.add([{ id, text: op.text }]);
              live.delete(id);
              live.set(id, op.text);
            } else {
              expect(index.remove(id)).toBe(live.delete(id));
            }
          }
          const query = queryWords.join(' ');
          const expected = bruteForce(live, query);
          const hits = index.search(query, { k });
          const ranked = [...expected.values()].sort((x, y) => y - x);
          expect(hits).toHaveLength(Math.min(k, ranked.length));
          for (const [i, hit] of hits.entries()) {
            expect(hit.score).toBeCloseTo(expected.get(hit.id) ?? Number.NaN, 9);
            expect(hit.score).toBeCloseTo(ranked[i] as number, 9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves no partial scores behind when a filter throws', () => {
    const index = createBm25Index();
    index.add([
      { id: 'a', text: 'alpha beta', metadata: { n: 1 } },
      { id: 'b', text: 'alpha', metadata: { n: 2 } },
    ]);
    expect(() =>
      index.search('alpha', {
        filter: () => {
          throw new Error('filter failed');
        },
      }),
    ).toThrow('filter failed');
    const expected = bruteForce(
      new Map([
        ['a', 'alpha beta'],
        ['b', 'alpha'],
      ]),
      'alpha',
    );
    const hits = index.search('alpha');
    expect(hits.map((hit) => hit.id)).toEqual(['b', 'a']);
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.id) ?? 0, 9);
  });
});
