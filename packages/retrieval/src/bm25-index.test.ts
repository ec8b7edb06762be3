import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceBm25 } from '../test/reference-bm25';
import { createAnalyzer, stem } from './analyze';
import { createBm25Index } from './bm25-index';

const docs = [
  { id: 'a', text: 'The quick brown fox jumps over the lazy dog', metadata: { tenant: 'x' } },
  { id: 'b', text: 'A quick brown dog outpaces a quick red fox', metadata: { tenant: 'y' } },
  { id: 'c', text: 'Vector search with HNSW graphs', metadata: { tenant: 'x' } },
  { id: 'd', text: 'Indexing documents: indexes, indexed and indexing', metadata: { tenant: 'y' } },
  { id: 'e', text: 'Ünïcode wörds and 日本語 text are tokenised', metadata: { tenant: 'x' } },
];

describe('createBm25Index', () => {
  it('finds a plural acronym by its acronym, as written and in lower case', () => {
    const index = createBm25Index({ stemming: true, stopWords: true, identifiers: true });
    index.add([
      { id: 'pdf', text: 'The loader reads PDFs and hands them to LLMs.' },
      { id: 'other', text: 'Markdown and text files are read as they are.' },
    ]);
    for (const query of ['PDF', 'PDFs', 'pdfs', 'which LLM', 'llms'])
      expect(index.search(query).map((hit) => hit.id)).toEqual(['pdf']);
  });

  it('ranks like a reference BM25 with the same parameters', () => {
    const index = createBm25Index({ k1: 1.5, b: 0.6, phrase: 0 });
    index.add(docs);
    const reference = referenceBm25(docs, { k1: 1.5, b: 0.6 });
    for (const query of ['quick fox', 'dog', 'hnsw vector', 'nothing here', 'QUICK brown dog']) {
      const hits = index.search(query, { k: 3 });
      const expected = reference(query, 3);
      expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
      for (const [i, hit] of hits.entries())
        expect(hit.score).toBeCloseTo(expected[i]?.score ?? 0, 10);
    }
  });

  it('filters, removes and replaces documents', () => {
    const index = createBm25Index({ phrase: 0 });
    index.add(docs);
    expect(index.search('quick fox', { filter: { tenant: 'y' } }).map((hit) => hit.id)).toEqual([
      'b',
    ]);
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.search('quick').map((hit) => hit.id)).toEqual(['a']);
    index.add([{ id: 'a', text: 'now about cats' }]);
    expect(index.size).toBe(4);
    expect(index.search('quick')).toEqual([]);
    expect(index.search('cats')[0]).toMatchObject({ id: 'a', metadata: {} });
  });

  it('tokenises Unicode, lowercases, and applies stop words and stemming', () => {
    const index = createBm25Index({ stemming: true, stopWords: true, phrase: 0 });
    index.add(docs);
    expect(index.search('WÖRDS')[0]?.id).toBe('e');
    expect(index.search('日本語')[0]?.id).toBe('e');
    expect(index.search('index')[0]?.id).toBe('d');
    expect(index.search('the and')).toEqual([]);
    expect(stem('running')).toBe('run');
    expect(stem('class')).toBe('class');
    expect(createAnalyzer({ stopWords: ['Fox'] })('the fox')).toEqual(['the']);
  });

  it('scores a title and a heading path as fields of their own (BM25F)', () => {
    const sections = [
      { id: 'mentions', text: 'Retries back off before the circuit breaker opens.' },
      {
        id: 'defines',
        text: 'Opens after five failures and half-opens after a cooldown.',
        fields: { title: 'Resilience', headings: 'Circuit breaker' },
      },
    ];
    const bm25 = createBm25Index({ phrase: 0 });
    bm25.add(sections);
    expect(bm25.search('circuit breaker').map((hit) => hit.id)).toEqual(['defines', 'mentions']);
    // Weight 0 leaves a field out: only the body's mention is left.
    const bodyOnly = createBm25Index({ fieldWeights: { title: 0, headings: 0 }, phrase: 0 });
    bodyOnly.add(sections);
    expect(bodyOnly.search('circuit breaker').map((hit) => hit.id)).toEqual(['mentions']);
    // Without fields, scores are plain BM25's.
    const plain = createBm25Index({ phrase: 0 });
    plain.add(docs);
    const reference = referenceBm25(docs);
    expect(plain.search('quick fox')[0]?.score).toBeCloseTo(
      reference('quick fox', 1)[0]?.score ?? 0,
      12,
    );
  });

  it('lifts documents holding the query words next to each other, in order (phrase boost)', () => {
    const pages = [
      { id: 'apart', text: 'breaker circuit' },
      { id: 'phrase', text: 'the circuit breaker' },
      { id: 'other', text: 'circuit diagrams' },
      { id: 'more', text: 'wiring diagrams' },
    ];
    const plain = createBm25Index({ phrase: 0 });
    plain.add(pages);
    expect(plain.search('circuit breaker').map((hit) => hit.id)).toEqual([
      'apart',
      'phrase',
      'other',
    ]);
    const boosted = createBm25Index();
    boosted.add(pages);
    expect(boosted.search('circuit breaker').map((hit) => hit.id)).toEqual([
      'phrase',
      'apart',
      'other',
    ]);
    // Reversed, the pair matches the other page; one word alone boosts nothing.
    expect(boosted.search('breaker circuit')[0]?.id).toBe('apart');
    expect(boosted.search('circuit')).toEqual(plain.search('circuit'));
  });

  it('rejects bad parameters and inputs', () => {
    expect(() => createBm25Index({ b: 2 })).toThrow(/b must be/);
    const index = createBm25Index({ phrase: 0 });
    expect(() => index.add([{ id: 'x', text: 42 as unknown as string }])).toThrow(
      /must be a string/,
    );
    expect(() => index.search('x', { k: 0 })).toThrow(/k must be/);
    expect(() =>
      index.add([{ id: 'x', text: '', fields: { title: 1 as unknown as string } }]),
    ).toThrow(/fields of "x" must be/);
    expect(() => createBm25Index({ fieldWeights: { summary: 1 } as never })).toThrow(
      /no field "summary"/,
    );
    expect(() => createBm25Index({ fieldB: { title: 2 } })).toThrow(/fieldB.title must be/);
    expect(() => createBm25Index({ phrase: -1 })).toThrow(/0 turns the phrase boost off/);
    expect(() => createBm25Index({ fieldWeights: { title: -1 } })).toThrow(
      /0 leaves the field out/,
    );
  });

  it('property: rankings equal the reference on random corpora', () => {
    const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta');
    const text = fc.array(word, { minLength: 1, maxLength: 12 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 30 }),
        fc.array(word, { minLength: 1, maxLength: 3 }),
        (texts, query) => {
          const corpus = texts.map((t, i) => ({ id: `d${i}`, text: t }));
          const index = createBm25Index({ phrase: 0 });
          index.add(corpus);
          const q = query.join(' ');
          const expected = referenceBm25(corpus)(q, 5);
          const hits = index.search(q, { k: 5 });
          // Scores equal to the last bit can differ by summation order: compare scores.
          expect(hits.map((hit) => hit.score)).toEqual(
            expected.map((hit) => expect.closeTo(hit.score, 9)),
          );
          const byId = new Map(referenceBm25(corpus)(q, corpus.length).map((h) => [h.id, h.score]));
          for (const hit of hits) expect(hit.score).toBeCloseTo(byId.get(hit.id) ?? Number.NaN, 9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
