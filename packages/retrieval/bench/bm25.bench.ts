/**
 * BM25 over short documents (KEEL_BENCH_DOCS, default 100,000): median query time of
 * createBm25Index against minisearch and wink-bm25-text-search, all with k1 = 1.2 and b = 0.75
 * and no stemming or stop words, and a check that our top-10 rankings equal a naive reference
 * BM25 with the same parameters. @keel/retrieval is measured as published (the built dist/).
 */
import MiniSearch from 'minisearch';
import { afterAll, bench, describe } from 'vitest';
import bm25 from 'wink-bm25-text-search';
import { createBm25Index } from '../dist/index.js';
import { referenceBm25 } from '../test/reference-bm25';
import { medianMicros, shortDocuments, shortQueries, sizeFromEnv } from './corpora';

const count = sizeFromEnv('KEEL_BENCH_DOCS', 100_000);
const documents = shortDocuments(count, 11);
const queries = shortQueries(sizeFromEnv('KEEL_BENCH_QUERIES', 500), 11);
const k = 10;
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

const keel = createBm25Index();
keel.add(documents);

const mini = new MiniSearch({
  fields: ['text'],
  tokenize: words,
  searchOptions: { bm25: { k: 1.2, b: 0.75, d: 0 } },
});
mini.addAll(documents);

const wink = bm25();
wink.defineConfig({ fldWeights: { text: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } });
wink.definePrepTasks([words]);
for (const [i, document] of documents.entries()) wink.addDoc({ text: document.text }, i);
wink.consolidate();

const checked = queries.slice(0, sizeFromEnv('KEEL_BENCH_CHECKED', 50));
const reference = referenceBm25(documents);
const mismatches = checked.filter((query) => {
  const expected = reference(query, k).map((hit) => hit.id);
  return (
    keel
      .search(query, { k })
      .map((hit) => hit.id)
      .join() !== expected.join()
  );
}).length;

const medians = {
  keel: medianMicros(queries, (query) => keel.search(query, { k })),
  minisearch: medianMicros(queries, (query) => mini.search(query).slice(0, k)),
  wink: medianMicros(queries, (query) => wink.search(query, k)),
};

let next = 0;
const query = () => queries[next++ % queries.length] as string;

describe(`BM25 query, ${count} short documents, top ${k}`, () => {
  bench('@keel/retrieval createBm25Index', () => {
    keel.search(query(), { k });
  });
  bench('minisearch', () => {
    mini.search(query()).slice(0, k);
  });
  bench('wink-bm25-text-search', () => {
    wink.search(query(), k);
  });
});

afterAll(() => {
  console.log(
    [
      `median query: keel ${medians.keel.toFixed(1)} µs, minisearch ${medians.minisearch.toFixed(1)} µs (${(medians.minisearch / medians.keel).toFixed(1)}x), wink ${medians.wink.toFixed(1)} µs (${(medians.wink / medians.keel).toFixed(1)}x)`,
      `rankings equal to the reference BM25: ${checked.length - mismatches}/${checked.length} queries`,
    ].join('\n'),
  );
});
