/**
 * BM25F field weights on the quality bench's labelled set (bench/quality/): each chunk indexed
 * as the retriever indexes it (heading path and text as the body, the document title and the
 * rest of the heading path as fields), over a grid of title and heading weights and short-field
 * b, with the retriever's analyzer (identifiers). Prints MAP, nDCG@10 and recall@100 per
 * setting, best MAP first, beside plain BM25 over the body alone (what the retriever indexed
 * before). Measured on the sources: no build needed.
 */
import { afterAll, bench, describe } from 'vitest';
import { type Bm25Options, type Chunk, createBm25Index } from '../src';
import { chunkFields } from '../src/chunk-fields';
import { indexedText } from '../src/retriever';
import { loadLabelledSet } from './quality/labelled-set';
import { DEPTH, type QualityRow, qualityTable, scoreRankings } from './quality/score-rankings';

const { chunks, queries, qrels } = await loadLabelledSet();
// The retriever's analyzer; the phrase boost apart (bm25-phrase.bench.ts).
const analyzer: Bm25Options = { identifiers: true, phrase: 0 };

async function evaluate(
  name: string,
  options: Bm25Options,
  document: (chunk: Chunk) => { id: string; text: string },
): Promise<QualityRow> {
  const index = createBm25Index({ ...analyzer, ...options });
  index.add(chunks.map(document));
  const rankings = new Map(
    queries.map((query) => [
      query.id,
      index.search(query.query, { k: DEPTH }).map((hit) => hit.id),
    ]),
  );
  return scoreRankings(name, queries, qrels, rankings);
}

/** What the retriever indexes: the heading path and text as the body, and the fields. */
const retrieverDocument = (chunk: Chunk) => ({
  id: chunk.id,
  text: indexedText(chunk),
  fields: chunkFields(chunk),
});

const rows: QualityRow[] = [
  await evaluate(
    'BM25, heading path and text as one field',
    { fieldWeights: { title: 0, headings: 0 } },
    (chunk) => ({
      id: chunk.id,
      text: indexedText(chunk),
    }),
  ),
];
for (const title of [0, 1, 2, 3, 5]) {
  for (const headings of [0, 1, 3, 5]) {
    for (const shortB of [0.5, 0.75]) {
      rows.push(
        await evaluate(
          `BM25F title ${title}, headings ${headings}, b ${shortB}`,
          {
            fieldWeights: { title, headings },
            fieldB: { title: shortB, headings: shortB },
          },
          retrieverDocument,
        ),
      );
    }
  }
}

describe(`BM25F field weights, ${queries.length} questions over ${chunks.length} chunks`, () => {
  bench('default BM25F', () => {
    const index = createBm25Index(analyzer);
    index.add(chunks.map(retrieverDocument));
  });
});

afterAll(() => {
  const [plain, ...grid] = rows as [QualityRow, ...QualityRow[]];
  console.log(`\n${qualityTable([plain, ...grid.sort((x, y) => y.map - x.map)])}\n`);
});
