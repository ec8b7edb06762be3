/**
 * The figures of a row: MAP (depth 1,000, as trec_eval), nDCG@10 and recall@100, from
 * evaluateRetrieval over rankings computed once per query.
 */
import { type EvalQuery, evaluateRetrieval, type Qrels } from '../../src';

/** The depth every ranking is computed to. */
export const DEPTH = 1_000;

/** The figures of one system over the labelled set. */
export interface QualityRow {
  name: string;
  map: number;
  ndcg10: number;
  recall100: number;
}

/** Scores rankings (query id to ranked ids, at most {@link DEPTH}). */
export async function scoreRankings(
  name: string,
  queries: readonly EvalQuery[],
  qrels: Qrels,
  rankings: ReadonlyMap<string, readonly string[]>,
): Promise<QualityRow> {
  const at = (k: number) =>
    evaluateRetrieval({ queries, qrels, k, retrieve: (query) => rankings.get(query.id) ?? [] });
  const [deep, top10, top100] = await Promise.all([at(DEPTH), at(10), at(100)]);
  return {
    name,
    map: deep.overall.map,
    ndcg10: top10.overall.ndcg,
    recall100: top100.overall.recall,
  };
}

/** A markdown table of rows, as pasted in the README. */
export function qualityTable(rows: readonly QualityRow[]): string {
  const lines = rows.map(
    (row) =>
      `| ${row.name} | ${row.map.toFixed(3)} | ${row.ndcg10.toFixed(3)} | ${row.recall100.toFixed(3)} |`,
  );
  return ['| system | MAP | nDCG@10 | recall@100 |', '| --- | ---: | ---: | ---: |', ...lines].join(
    '\n',
  );
}
