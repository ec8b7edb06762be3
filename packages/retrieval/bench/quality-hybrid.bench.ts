/**
 * Hybrid tuning on the labelled set (bench/quality/): the retriever in hybrid mode with the
 * local embedder, over a grid of RRF constants, vector weights and heading weights (BM25
 * weight 1), scored by MAP, nDCG@10 and recall@100. Prints the retriever's single modes, the
 * defaults, the best settings, the best per value of each parameter, and a two-fold check
 * (settings chosen on half the questions, scored on the other half, beside the defaults): the
 * figures of the README's "Hybrid tuning". Measured on the sources: no build needed.
 */
import { afterAll, bench, describe } from 'vitest';
import { createRetriever, type HybridOptions } from '../src';
import { DEFAULT_HYBRID } from '../src/hybrid-fusion';
import { best, SWEEP, settingsName, singleModes, sweepHybrid } from './quality/hybrid-sweep';
import { loadLabelledSet } from './quality/labelled-set';
import { type QualityRow, qualityTable, scoreRankings } from './quality/score-rankings';

const { documents, chunks, queries, qrels } = await loadLabelledSet();
const singles = await singleModes(documents, queries, qrels);
const rows = await sweepHybrid(documents, queries, qrels);
const defaults = rows.find((row) => settingsName(row.settings) === settingsName(DEFAULT_HYBRID));
const chosen = best(rows);

const perValue = (Object.keys(SWEEP) as Array<keyof typeof SWEEP>)
  .filter((name) => SWEEP[name].length > 1)
  .flatMap((name) =>
    SWEEP[name].map((value) => {
      const row = best(rows.filter((entry) => entry.settings[name] === value));
      return { ...row, name: `${name} ${value}: ${row.name}` };
    }),
  );

/** Settings chosen on one half of the questions, scored on the other, beside the defaults. */
const folds: QualityRow[] = [];
for (const parity of [0, 1]) {
  const tuning = queries.filter((_, i) => i % 2 === parity);
  const held = queries.filter((_, i) => i % 2 !== parity);
  const onTuning = await Promise.all(
    rows.map(async (row) => ({
      ...(await scoreRankings(row.name, tuning, qrels, row.rankings)),
      row,
    })),
  );
  for (const [label, row] of [
    ['chosen', best(onTuning).row],
    ['defaults', defaults],
  ] as const) {
    if (row === undefined) continue;
    const name = `fold ${parity + 1}, ${label} (${row.name})`;
    folds.push(await scoreRankings(name, held, qrels, row.rankings));
  }
}

const retrievers = await Promise.all(
  [DEFAULT_HYBRID, chosen.settings].map(async (hybrid: HybridOptions) => {
    const retriever = await createRetriever({ cache: false, hybrid });
    await retriever.ingest(documents);
    return retriever;
  }),
);

describe(`hybrid retrieval, ${queries.length} questions over ${chunks.length} chunks, k 10, no dedupe`, () => {
  for (const [i, retriever] of retrievers.entries()) {
    bench(
      i === 0 ? `defaults: ${settingsName(DEFAULT_HYBRID)}` : `best: ${chosen.name}`,
      async () => {
        for (const query of queries)
          await retriever.retrieve(query.query, { k: 10, dedupe: false });
      },
      { time: 0, iterations: 3 },
    );
  }
});

afterAll(() => {
  const top = [...rows].sort((a, b) => b.ndcg10 - a.ndcg10 || b.map - a.map).slice(0, 10);
  console.log(
    [
      '\nsingle modes, the defaults and the best',
      qualityTable([...singles, ...(defaults ? [defaults] : []), chosen]),
      `\nbest of ${rows.length} settings by nDCG@10`,
      qualityTable(top),
      '\nbest per value of each parameter',
      qualityTable(perValue),
      '\ntwo-fold check: chosen on one half, scored on the other',
      qualityTable(folds),
      '',
    ].join('\n'),
  );
});
