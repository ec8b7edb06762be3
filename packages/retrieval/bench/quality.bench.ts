/**
 * Ranking quality of the lexical side on the labelled set (bench/quality/): Keel's BM25 with
 * each analyzer variant, wink-bm25-text-search with its Porter2 stemmer, and an approximation
 * of Lucene's EnglishAnalyzer with BM25, all over the same chunk texts, in the same run. Prints
 * MAP, nDCG@10 and recall@100 (the figures of the README's Quality section), and benches one
 * pass of the 153 questions per system. Measured on the sources: no build needed.
 */
import { afterAll, bench, describe } from 'vitest';
import { loadLabelledSet } from './quality/labelled-set';
import { LEXICAL_SYSTEMS } from './quality/lexical-systems';
import { DEPTH, qualityTable, scoreRankings } from './quality/score-rankings';

const { chunks, queries, qrels } = await loadLabelledSet();
const systems = LEXICAL_SYSTEMS.map((system) => ({
  name: system.name,
  search: system.build(chunks),
}));

const rows = await Promise.all(
  systems.map(({ name, search }) =>
    scoreRankings(
      name,
      queries,
      qrels,
      new Map(queries.map((query) => [query.id, search(query.query, DEPTH)])),
    ),
  ),
);

describe(`lexical ranking, ${queries.length} questions over ${chunks.length} chunks`, () => {
  for (const { name, search } of systems) {
    bench(name, () => {
      for (const query of queries) search(query.query, 10);
    });
  }
});

afterAll(() => {
  console.log(`\n${qualityTable(rows)}\n`);
});
