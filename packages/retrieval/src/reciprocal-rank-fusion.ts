/**
 * Reciprocal-rank fusion: merges ranked lists by summing `weight / (k + rank)`, so items that
 * rank well in several lists rise, without comparing the lists' incomparable scores.
 */
import { assertNumber } from '@keel/core/internal';

/** Options of {@link reciprocalRankFusion}. */
export interface FusionOptions {
  /**
   * Rank offset, 0 or more: the smaller, the more the top of each list outweighs the rest.
   * Default 60 (the value of the original paper).
   */
  k?: number;
  /** One weight per list, 0 or more (0 ignores the list); default 1 each. */
  weights?: readonly number[];
}

/**
 * Fuses ranked lists of ids into one, best first.
 *
 * @throws InvalidArgumentError when `k` or a weight is negative or not finite.
 * @example
 * ```ts
 * reciprocalRankFusion([['a', 'b', 'c'], ['c', 'a']]); // [{ id: 'a', ... }, { id: 'c', ... }, { id: 'b', ... }]
 * reciprocalRankFusion([vectorIds, bm25Ids], { k: 20, weights: [0.5, 1] });
 * ```
 */
export function reciprocalRankFusion(
  lists: ReadonlyArray<readonly string[]>,
  { k = 60, weights = [] }: FusionOptions = {},
): Array<{ id: string; score: number }> {
  assertNumber('k', k, { min: 0 });
  for (const [i, weight] of weights.entries()) assertNumber(`weights[${i}]`, weight, { min: 0 });
  const scores = new Map<string, number>();
  for (const [listIndex, list] of lists.entries()) {
    const weight = weights[listIndex] ?? 1;
    if (weight === 0) continue;
    for (const [rank, id] of list.entries()) {
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + rank + 1));
    }
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
