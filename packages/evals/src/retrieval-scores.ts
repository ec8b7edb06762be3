/**
 * Retrieval scorers: hit rate, recall, MRR, nDCG and MAP at k of the documents a pipeline
 * retrieved, computed by `@keel/retrieval`'s `scoreRanking`.
 */
import { assertNumber } from '@keel/core/internal';
import { scoreRanking } from '@keel/retrieval';
import type { CaseScorer } from './scorer';

/** The retrieval scores of one case, each in [0, 1]. */
export interface RetrievalScores {
  /** 1 when a relevant document is in the top k, else 0. */
  hitRate: number;
  /** Relevant documents in the top k, over all relevant documents. */
  recall: number;
  /** 1 / rank of the first relevant document in the top k; 0 when there is none. */
  mrr: number;
  /** Normalised discounted cumulative gain at k (binary relevance). */
  ndcg: number;
  /** Average precision at k. */
  map: number;
}

/** Options of {@link scoreRetrieval}. */
export interface ScoreRetrievalOptions {
  /** Document ids, best first; repeats after the first are ignored. */
  retrieved: readonly string[];
  /** The relevant document ids. */
  relevant: readonly string[];
  /** Cut-off; default 10. */
  k?: number;
}

/**
 * Scores a ranking of documents against the relevant ones; `null` when nothing is relevant
 * (a question the corpus cannot answer has no retrieval score).
 *
 * @example
 * ```ts
 * scoreRetrieval({ retrieved: ['b.md', 'a.md'], relevant: ['a.md'], k: 5 });
 * // { hitRate: 1, recall: 1, mrr: 0.5, ndcg: 0.63, map: 0.5 }
 * ```
 */
export function scoreRetrieval({
  retrieved,
  relevant,
  k = 10,
}: ScoreRetrievalOptions): RetrievalScores | null {
  assertNumber('k', k, { integer: true, min: 1 });
  if (relevant.length === 0) return null;
  const judged = Object.fromEntries(relevant.map((id) => [id, 1]));
  const { recall, mrr, ndcg, map } = scoreRanking(retrieved, judged, k);
  return { hitRate: mrr > 0 ? 1 : 0, recall, mrr, ndcg, map };
}

/**
 * The retrieval scorer: `hitRate@k`, `recall@k`, `mrr@k`, `ndcg@k` and `map@k` of the
 * documents (`sourceId`s) of `output.retrieved` against the case's `relevant`.
 *
 * @example
 * ```ts
 * const run = await runEval({ name: 'baseline', cases, task, scorers: [retrievalScorer({ k: 5 })] });
 * ```
 */
export function retrievalScorer({ k = 10 }: { k?: number } = {}): CaseScorer {
  assertNumber('k', k, { integer: true, min: 1 });
  return function retrievalScores({ case: evalCase, output }) {
    const scores = scoreRetrieval({
      retrieved: (output.retrieved ?? []).map((passage) => passage.sourceId),
      relevant: evalCase.relevant ?? [],
      k,
    });
    return {
      scores: {
        [`hitRate@${k}`]: scores?.hitRate ?? null,
        [`recall@${k}`]: scores?.recall ?? null,
        [`mrr@${k}`]: scores?.mrr ?? null,
        [`ndcg@${k}`]: scores?.ndcg ?? null,
        [`map@${k}`]: scores?.map ?? null,
      },
    };
  };
}
