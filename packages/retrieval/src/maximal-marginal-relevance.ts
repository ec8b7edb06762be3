/**
 * Maximal marginal relevance: picks results one at a time, trading relevance to the query for
 * dissimilarity to what was already picked, so near-identical chunks do not fill the context.
 */
import type { Vector } from './validate-vector';

/** Options of {@link maximalMarginalRelevance}. */
export interface MmrOptions<T> {
  query: Vector;
  candidates: ReadonlyArray<{ item: T; vector: Vector }>;
  k: number;
  /** 1 is pure relevance, 0 pure diversity; default 0.5. */
  lambda?: number;
}

function cosine(a: Vector, b: Vector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The `k` candidates chosen by MMR, in the order chosen.
 *
 * @example
 * ```ts
 * const diverse = maximalMarginalRelevance({ query, candidates, k: 5, lambda: 0.7 });
 * ```
 */
export function maximalMarginalRelevance<T>({
  query,
  candidates,
  k,
  lambda = 0.5,
}: MmrOptions<T>): T[] {
  const relevance = candidates.map((candidate) => cosine(query, candidate.vector));
  const remaining = candidates.map((_, i) => i);
  const chosen: number[] = [];
  while (chosen.length < k && remaining.length > 0) {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const [position, index] of remaining.entries()) {
      let redundancy = 0;
      for (const picked of chosen) {
        redundancy = Math.max(
          redundancy,
          cosine(
            (candidates[index] as { vector: Vector }).vector,
            (candidates[picked] as { vector: Vector }).vector,
          ),
        );
      }
      const score = lambda * (relevance[index] as number) - (1 - lambda) * redundancy;
      if (score > bestScore) {
        bestScore = score;
        best = position;
      }
    }
    chosen.push(remaining.splice(best, 1)[0] as number);
  }
  return chosen.map((index) => (candidates[index] as { item: T }).item);
}
