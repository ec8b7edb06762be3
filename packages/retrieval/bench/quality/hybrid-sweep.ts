/**
 * The sweep of hybrid fusion settings on the labelled set: one retriever (local embedder,
 * default chunking, BM25 with identifiers) per RRF constant and vector weight, each heading
 * weight passed per query. Rankings run to the depth of the chunk count, without near-duplicate
 * removal (no two chunks of the corpus are near-duplicates, and at that depth its pairwise
 * comparison would take most of the run).
 */
import {
  createRetriever,
  type Document,
  type EvalQuery,
  type HybridOptions,
  type Qrels,
  type RetrievalMode,
} from '../../src';
import { type QualityRow, scoreRankings } from './score-rankings';

/** The grid: every combination is measured. */
export const SWEEP = {
  k: [2, 5, 10, 20, 40, 60, 100],
  vectorWeight: [0, 0.125, 0.25, 0.5, 1, 2],
  bm25Weight: [1],
  headingWeight: [0, 0.25, 0.5, 1, 2],
} as const;

/** A row of the sweep: its settings and figures. */
export interface SweepRow extends QualityRow {
  settings: Required<HybridOptions>;
  /** Ranked chunk ids per query, for scoring subsets. */
  rankings: ReadonlyMap<string, readonly string[]>;
}

/** A row name from settings: `k 60, vector 1, bm25 1, headings 1`. */
export function settingsName(settings: Required<HybridOptions>): string {
  return `k ${settings.k}, vector ${settings.vectorWeight}, bm25 ${settings.bm25Weight}, headings ${settings.headingWeight}`;
}

/** Ranks every query with a retriever over `documents`, in one mode, per heading weight. */
async function rank(
  documents: readonly Document[],
  queries: readonly EvalQuery[],
  hybrid: HybridOptions,
  mode: RetrievalMode,
  headingWeights: readonly number[],
): Promise<Array<Map<string, string[]>>> {
  const retriever = await createRetriever({ cache: false, hybrid });
  await retriever.ingest(documents);
  const k = retriever.size;
  const out: Array<Map<string, string[]>> = [];
  for (const headingWeight of headingWeights) {
    const rankings = new Map<string, string[]>();
    for (const query of queries) {
      const results = await retriever.retrieve(query.query, {
        k,
        mode,
        headingWeight,
        dedupe: false,
      });
      rankings.set(
        query.id,
        results.map((result) => result.chunk.id),
      );
    }
    out.push(rankings);
  }
  return out;
}

/** Measures every combination of {@link SWEEP}. */
export async function sweepHybrid(
  documents: readonly Document[],
  queries: readonly EvalQuery[],
  qrels: Qrels,
): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  for (const k of SWEEP.k) {
    for (const vectorWeight of SWEEP.vectorWeight) {
      for (const bm25Weight of SWEEP.bm25Weight) {
        const byHeading = await rank(
          documents,
          queries,
          { k, vectorWeight, bm25Weight },
          'hybrid',
          SWEEP.headingWeight,
        );
        for (const [i, headingWeight] of SWEEP.headingWeight.entries()) {
          const settings = { k, vectorWeight, bm25Weight, headingWeight };
          const rankings = byHeading[i] as Map<string, string[]>;
          const row = await scoreRankings(settingsName(settings), queries, qrels, rankings);
          rows.push({ ...row, settings, rankings });
        }
      }
    }
  }
  return rows;
}

/** The retriever's single-sided modes, as reference rows. */
export async function singleModes(
  documents: readonly Document[],
  queries: readonly EvalQuery[],
  qrels: Qrels,
): Promise<QualityRow[]> {
  return Promise.all(
    (['bm25', 'vector'] as const).map(async (mode) => {
      const [rankings] = await rank(documents, queries, {}, mode, [0]);
      return scoreRankings(
        `retriever, mode ${mode}`,
        queries,
        qrels,
        rankings as Map<string, string[]>,
      );
    }),
  );
}

/** The best row by nDCG@10, then MAP. */
export function best<T extends QualityRow>(rows: readonly T[]): T {
  return [...rows].sort((a, b) => b.ndcg10 - a.ndcg10 || b.map - a.map)[0] as T;
}
