import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReferenceHit, referenceBm25 } from '../test/reference-bm25';
import { createBm25Index } from './bm25-index';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'kappa', 'sigma', 'zeta'];
const text = fc
  .array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 12 })
  .map((words) => words.join(' '));
const operation = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 12 }), text }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 12 }) }),
);

/** Reference BM25 scores of the live documents, by id. */
function bruteForce(documents: Map<string, string>, query: string): Map<string, number> {
  const corpus = [...documents].map(([id, text]) => ({ id, text }));
  return new Map(referenceBm25(corpus)(query, corpus.length).map((hit) => [hit.id, hit.score]));
}

/**
 * Hits rank like the reference's top: the same scores in the same order, each hit scored as the
 * reference scores that document. Documents whose scores differ only by rounding (equal sums
 * added in another order) may swap.
 */
function expectRanking(
  hits: ReadonlyArray<{ id: string; score: number }>,
  expected: readonly ReferenceHit[],
  all: readonly ReferenceHit[],
): void {
  const byId = new Map(all.map((hit) => [hit.id, hit.score]));
  expect(hits.map((hit) => hit.score)).toEqual(expected.map((hit) => expect.closeTo(hit.score, 9)));
  for (const hit of hits) expect(hit.score).toBeCloseTo(byId.get(hit.id) ?? Number.NaN, 9);
}

describe('BM25 with MaxScore pruning (property)', () => {
  it('ranks like brute-force BM25 after removes and re-adds of the same ids', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        (operations, queryWords, k) => {
          const index = createBm25Index({ phrase: 0 });
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

  it('ranks like the reference on corpora spanning many blocks, with and without a filter', () => {
    // Skewed words and lengths: lists of hundreds of postings whose blocks' bounds differ.
    const skewed = fc
      .integer({ min: 0, max: 63 })
      .map((n) => WORDS[Math.floor(Math.sqrt(n))] as string);
    fc.assert(
      fc.property(
        fc.array(fc.array(skewed, { minLength: 0, maxLength: 24 }), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.array(skewed, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 2, max: 5 }),
        (texts, queryWords, k, modulus) => {
          const corpus = texts.map((words, i) => ({ id: `d${i}`, text: words.join(' ') }));
          const index = createBm25Index({ phrase: 0 });
          index.add(
            corpus.map((document, i) => ({ ...document, metadata: { group: i % modulus } })),
          );
          const query = queryWords.join(' ');
          const ranked = referenceBm25(corpus)(query, corpus.length);
          expectRanking(index.search(query, { k }), ranked.slice(0, k), ranked);
          const inGroup = ranked.filter((hit) => Number(hit.id.slice(1)) % modulus === 0);
          expectRanking(
            index.search(query, { k, filter: { group: 0 } }),
            inGroup.slice(0, k),
            ranked,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ranks like a reference BM25F with fields, weights and per-field b', () => {
    const words = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 8 });
    const weight = fc.constantFrom(0, 0.5, 1, 2, 3);
    const share = fc.constantFrom(0, 0.3, 0.75, 1);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(words, words, words), { minLength: 1, maxLength: 120 }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }),
        fc.record({ body: weight, title: weight, headings: weight }),
        fc.record({ body: share, title: share, headings: share }),
        fc.integer({ min: 1, max: 8 }),
        (texts, queryWords, fieldWeights, fieldB, k) => {
          const corpus = texts.map(([body, title, headings], i) => ({
            id: `d${i}`,
            text: body.join(' '),
            fields: { title: title.join(' '), headings: headings.join(' ') },
          }));
          const index = createBm25Index({ fieldWeights, fieldB, phrase: 0 });
          index.add(corpus);
          const query = queryWords.join(' ');
          const ranked = referenceBm25(corpus, { fieldWeights, fieldB })(query, corpus.length);
          expectRanking(index.search(query, { k }), ranked.slice(0, k), ranked);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('boosts phrases like the reference: the best 2k by BM25F re-ranked with the pair scores', () => {
    const words = fc.array(fc.constantFrom(...WORDS.slice(0, 4)), { minLength: 0, maxLength: 10 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(words, words), { minLength: 1, maxLength: 80 }),
        fc.array(fc.constantFrom(...WORDS.slice(0, 4)), { minLength: 2, maxLength: 4 }),
        fc.constantFrom(0.25, 0.5, 2),
        fc.integer({ min: 1, max: 6 }),
        (texts, queryWords, phrase, k) => {
          const corpus = texts.map(([body, headings], i) => ({
            id: `d${i}`,
            text: body.join(' '),
            fields: { headings: headings.join(' ') },
          }));
          const index = createBm25Index({ phrase });
          index.add(corpus);
          const query = queryWords.join(' ');
          const reference = referenceBm25(corpus, { phrase });
          const hits = index.search(query, { k });
          const expected = reference(query, k);
          expect(hits.map((hit) => hit.score)).toEqual(
            expected.map((hit) => expect.closeTo(hit.score, 9)),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds nothing in an empty index, nor once every document is removed', () => {
    const index = createBm25Index({ phrase: 0 });
    expect(index.search('alpha')).toEqual([]);
    index.add([
      { id: 'a', text: 'alpha beta' },
      { id: 'b', text: 'alpha' },
    ]);
    index.remove('a');
    index.remove('b');
    expect(index.size).toBe(0);
    expect(index.search('alpha')).toEqual([]);
    index.add([{ id: 'a', text: 'gamma' }]);
    expect(index.search('alpha')).toEqual([]);
    expect(index.search('gamma').map((hit) => hit.id)).toEqual(['a']);
  });

  it('ranks correctly across heavy churn, when removed slots are reclaimed', () => {
    const index = createBm25Index({ phrase: 0 });
    const live = new Map<string, string>();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 60; i++) {
        const body = `${WORDS[(i * 7 + round) % WORDS.length]} ${WORDS[i % 3]} round${round}`;
        index.add([{ id: `doc${i}`, text: body }]);
        live.set(`doc${i}`, body);
      }
      for (let i = round; i < 60; i += 2) {
        index.remove(`doc${i}`);
        live.delete(`doc${i}`);
      }
      const query = `alpha gamma round${round}`;
      const expected = bruteForce(live, query);
      const hits = index.search(query, { k: 10 });
      expect(index.size).toBe(live.size);
      for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.id) ?? Number.NaN, 9);
      const ranked = [...expected.values()].sort((x, y) => y - x).slice(0, 10);
      expect(hits.map((hit) => hit.score)).toEqual(ranked.map((score) => expect.closeTo(score, 9)));
    }
  });

  it('leaves no partial scores behind when a filter throws', () => {
    const index = createBm25Index({ phrase: 0 });
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
