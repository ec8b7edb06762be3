import { assertNumber } from '@keel/core/internal';

/** A query to evaluate. */
export interface EvalQuery {
  id: string;
  query: string;
}

/** Relevance judgements: query id to document id to grade (> 0 is relevant). */
export type Qrels = Record<string, Record<string, number>>;

/** The metrics of one query, or their mean. */
export interface RetrievalMetrics {
  recall: number;
  precision: number;
  /** Reciprocal rank of the first relevant result within k; 0 when there is none. */
  mrr: number;
  /** Normalised discounted cumulative gain with linear gains (trec_eval's). */
  ndcg: number;
  /** Average precision: precision at each relevant hit in the top k, over all relevant ids. */
  map: number;
}

/** The metrics of one query. */
export interface QueryEvaluation extends RetrievalMetrics {
  id: string;
  query: string;
  retrieved: string[];
  relevant: number;
}

/** Options of {@link evaluateRetrieval}. */
export interface EvaluateRetrievalOptions {
  queries: readonly EvalQuery[];
  qrels: Qrels;
  /** Ranked ids for a query; duplicates after the first are ignored. */
  retrieve: (query: EvalQuery) => Promise<readonly string[]> | readonly string[];
  /** Cut-off; default 10. */
  k?: number;
}

/** The evaluation. Queries without a relevant id are left out of `overall`. */
export interface RetrievalEvaluation {
  k: number;
  perQuery: QueryEvaluation[];
  overall: RetrievalMetrics;
  /** Queries with no relevant id in the qrels. */
  unjudged: string[];
}

/** The metrics of one ranking against its judgements. */
export function scoreRanking(
  ranking: readonly string[],
  judged: Record<string, number>,
  k: number,
): RetrievalMetrics {
  const relevant = Object.entries(judged).filter(([, grade]) => grade > 0);
  const top = [...new Set(ranking)].slice(0, k);
  let hits = 0;
  let mrr = 0;
  let dcg = 0;
  let precisionSum = 0;
  top.forEach((id, i) => {
    const grade = judged[id] ?? 0;
    if (grade <= 0) return;
    hits++;
    if (mrr === 0) mrr = 1 / (i + 1);
    dcg += grade / Math.log2(i + 2);
    precisionSum += hits / (i + 1);
  });
  const ideal = relevant
    .map(([, grade]) => grade)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, i) => sum + grade / Math.log2(i + 2), 0);
  return {
    recall: relevant.length === 0 ? 0 : hits / relevant.length,
    precision: hits / k,
    mrr,
    ndcg: ideal === 0 ? 0 : dcg / ideal,
    map: relevant.length === 0 ? 0 : precisionSum / relevant.length,
  };
}

const METRICS = ['recall', 'precision', 'mrr', 'ndcg', 'map'] as const;

/**
 * Runs every query and scores its ranking.
 *
 * @example
 * ```ts
 * const report = await evaluateRetrieval({
 *   queries: [{ id: 'q1', query: 'rotate api keys' }],
 *   qrels: { q1: { 'docs/keys.md': 1 } },
 *   retrieve: async ({ query }) => (await retriever.retrieve(query, { k: 10 })).map((r) => r.chunk.sourceId),
 * });
 * report.overall.ndcg;
 * ```
 */
export async function evaluateRetrieval({
  queries,
  qrels,
  retrieve,
  k = 10,
}: EvaluateRetrievalOptions): Promise<RetrievalEvaluation> {
  assertNumber('k', k, { integer: true, min: 1 });
  const perQuery: QueryEvaluation[] = [];
  const unjudged: string[] = [];
  for (const query of queries) {
    const judged = qrels[query.id] ?? {};
    const retrieved = [...new Set(await retrieve(query))].slice(0, k);
    const relevant = Object.values(judged).filter((grade) => grade > 0).length;
    if (relevant === 0) unjudged.push(query.id);
    perQuery.push({
      id: query.id,
      query: query.query,
      retrieved,
      relevant,
      ...scoreRanking(retrieved, judged, k),
    });
  }
  const scored = perQuery.filter((entry) => entry.relevant > 0);
  const overall = Object.fromEntries(
    METRICS.map((metric) => [
      metric,
      scored.length === 0
        ? 0
        : scored.reduce((sum, entry) => sum + entry[metric], 0) / scored.length,
    ]),
  ) as unknown as RetrievalMetrics;
  return { k, perQuery, overall, unjudged };
}

/**
 * A plain-text table of an evaluation: one row per query and a mean row.
 *
 * @example
 * ```ts
 * process.stdout.write(formatEvaluation(report));
 * ```
 */
export function formatEvaluation({ k, perQuery, overall }: RetrievalEvaluation): string {
  const header = ['query', `recall@${k}`, `precision@${k}`, 'mrr', `ndcg@${k}`, 'map'];
  const row = (name: string, metrics: RetrievalMetrics) => [
    name,
    ...METRICS.map((metric) => metrics[metric].toFixed(3)),
  ];
  const rows = [header, ...perQuery.map((entry) => row(entry.id, entry)), row('mean', overall)];
  const widths = header.map((_, column) =>
    Math.max(...rows.map((cells) => (cells[column] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0
          ? cell.padEnd(widths[column] as number)
          : cell.padStart(widths[column] as number),
      )
      .join('  ');
  return `${[line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n')}\n`;
}
