/**
 * BM25 over short documents (KEEL_BENCH_DOCS, default 100,000): heap taken by each index
 * (heap delta after gc) and median query time of createBm25Index against minisearch,
 * wink-bm25-text-search and an exhaustive typed-array index, all with k1 = 1.2 and b = 0.75
 * and no stemming or stop words. Two query sets: mid-frequency words (below the 50 commonest)
 * and common words (frequency ranks 10 to 100). KEEL_BENCH_ROUNDS rounds (default 3) rotate
 * the engines' order; each figure is the median of the rounds' medians, with their range.
 * Top-10 rankings are checked against a naive reference BM25. @keel/retrieval is measured as
 * published (the built dist/).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import MiniSearch from 'minisearch';
import { afterAll, bench, describe } from 'vitest';
import bm25 from 'wink-bm25-text-search';
import { createBm25Index } from '../dist/index.js';
import { referenceBm25 } from '../test/reference-bm25';
import {
  commonQueries,
  medianMicros,
  shortDocuments,
  shortQueries,
  sizeFromEnv,
  spread,
} from './corpora';
import { typedArrayBm25 } from './typed-array-bm25';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const count = sizeFromEnv('KEEL_BENCH_DOCS', 100_000);
const documents = shortDocuments(count, 11);
const querySets = {
  mid: shortQueries(sizeFromEnv('KEEL_BENCH_QUERIES', 500), 11),
  common: commonQueries(sizeFromEnv('KEEL_BENCH_QUERIES', 500), 11),
};
const k = 10;
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Heap taken by what `build` returns, in MB, after gc on both sides. */
function built<T>(build: () => T): { value: T; megabytes: number } {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const value = build();
  gc();
  gc();
  return { value, megabytes: (process.memoryUsage().heapUsed - before) / 2 ** 20 };
}

const keel = built(() => {
  // Plain BM25, as the peers score: the phrase boost is measured in bm25-phrase.bench.ts.
  const index = createBm25Index({ phrase: 0 });
  index.add(documents);
  index.search('warm');
  return index;
});
const mini = built(() => {
  const index = new MiniSearch({
    fields: ['text'],
    tokenize: words,
    searchOptions: { bm25: { k: 1.2, b: 0.75, d: 0 } },
  });
  index.addAll(documents);
  return index;
});
const typed = built(() => typedArrayBm25(documents));
const wink = bm25();
wink.defineConfig({ fldWeights: { text: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } });
wink.definePrepTasks([words]);
for (const [i, document] of documents.entries()) wink.addDoc({ text: document.text }, i);
wink.consolidate();

const engines: Record<string, (query: string) => unknown> = {
  keel: (query) => keel.value.search(query, { k }),
  minisearch: (query) => mini.value.search(query).slice(0, k),
  typed: (query) => typed.value(query, k),
  wink: (query) => wink.search(query, k),
};

const rounds = sizeFromEnv('KEEL_BENCH_ROUNDS', 3);
const medians = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  const names = Object.keys(engines);
  const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
  for (const [set, queries] of Object.entries(querySets)) {
    for (const name of order) {
      gc();
      const key = `${name} ${set}`;
      medians.set(key, [
        ...(medians.get(key) ?? []),
        medianMicros(queries, engines[name] as (query: string) => unknown),
      ]);
    }
  }
}

const reference = referenceBm25(documents);
const checked = sizeFromEnv('KEEL_BENCH_CHECKED', 50);
const agreement = Object.entries(querySets).map(([set, queries]) => {
  const sample = queries.slice(0, checked);
  const equal = sample.filter((query) => {
    const expected = reference(query, k).map((hit) => hit.id);
    const hits = keel.value.search(query, { k }).map((hit) => hit.id);
    return hits.join() === expected.join() && typed.value(query, k).join() === expected.join();
  }).length;
  return `${set} ${equal}/${sample.length}`;
});

let next = 0;
const query = () => querySets.mid[next++ % querySets.mid.length] as string;

describe(`BM25 query, ${count} short documents, top ${k}`, () => {
  bench('@keel/retrieval createBm25Index', () => {
    keel.value.search(query(), { k });
  });
  bench('minisearch', () => {
    mini.value.search(query()).slice(0, k);
  });
});

afterAll(() => {
  const figure = (key: string) => {
    const { median, min, max } = spread(medians.get(key) ?? []);
    return `${median.toFixed(1)} µs (${min.toFixed(1)}–${max.toFixed(1)})`;
  };
  const lines = Object.keys(querySets).map(
    (set) =>
      `median query, ${set}: ${Object.keys(engines)
        .map((name) => `${name} ${figure(`${name} ${set}`)}`)
        .join(', ')}`,
  );
  console.log(
    [
      `heap: keel ${keel.megabytes.toFixed(1)} MB, minisearch ${mini.megabytes.toFixed(1)} MB, typed-array ${typed.megabytes.toFixed(1)} MB`,
      ...lines,
      `top-10 rankings equal to the reference BM25 (keel and typed-array): ${agreement.join(', ')}`,
    ].join('\n'),
  );
});
