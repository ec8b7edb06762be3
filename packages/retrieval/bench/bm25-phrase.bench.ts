/**
 * The phrase boost of createBm25Index: ranking quality on the quality bench's labelled set
 * (bench/quality/) at several weights, with chunks indexed as the retriever indexes them and
 * its analyzer (identifiers), and the cost on 100,000 short documents (KEEL_BENCH_DOCS): median
 * query time with the boost on and off, KEEL_BENCH_ROUNDS rounds (default 3) alternating which
 * goes first, median of the rounds and their range. Measured on the sources: no build needed.
 */
import { afterAll, bench, describe } from 'vitest';
import { type Chunk, createBm25Index } from '../src';
import { chunkFields } from '../src/chunk-fields';
import { indexedText } from '../src/retriever';
import { medianMicros, shortDocuments, shortQueries, sizeFromEnv, spread } from './corpora';
import { loadLabelledSet } from './quality/labelled-set';
import { DEPTH, type QualityRow, qualityTable, scoreRankings } from './quality/score-rankings';

const { chunks, queries, qrels } = await loadLabelledSet();
const retrieverDocument = (chunk: Chunk) => ({
  id: chunk.id,
  text: indexedText(chunk),
  fields: chunkFields(chunk),
});

const rows: QualityRow[] = [];
for (const phrase of [0, 0.25, 0.5, 1, 2]) {
  const index = createBm25Index({ identifiers: true, phrase });
  index.add(chunks.map(retrieverDocument));
  const rankings = new Map(
    queries.map((query) => [
      query.id,
      index.search(query.query, { k: DEPTH }).map((hit) => hit.id),
    ]),
  );
  rows.push(await scoreRankings(`phrase ${phrase}`, queries, qrels, rankings));
}

const count = sizeFromEnv('KEEL_BENCH_DOCS', 100_000);
const documents = shortDocuments(count, 11);
const mid = shortQueries(sizeFromEnv('KEEL_BENCH_QUERIES', 500), 11);
const on = createBm25Index();
on.add(documents);
const off = createBm25Index({ phrase: 0 });
off.add(documents);
const times = { on: [] as number[], off: [] as number[] };
for (let round = 0; round < sizeFromEnv('KEEL_BENCH_ROUNDS', 3); round++) {
  const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
  for (const name of order) {
    const index = name === 'on' ? on : off;
    times[name].push(medianMicros(mid, (query) => index.search(query, { k: 10 })));
  }
}

describe('phrase boost', () => {
  bench('search, phrase boost on', () => {
    for (const query of mid.slice(0, 50)) on.search(query, { k: 10 });
  });
});

afterAll(() => {
  const figure = (values: number[]) => {
    const { median, min, max } = spread(values);
    return `${median.toFixed(1)} µs (${min.toFixed(1)}–${max.toFixed(1)})`;
  };
  console.log(
    [
      '',
      qualityTable(rows),
      '',
      `median mid-frequency query, ${count} short documents: phrase boost on ${figure(times.on)}, off ${figure(times.off)}`,
    ].join('\n'),
  );
});
