/**
 * Reciprocal-rank fusion: merges ranked lists by summing `weight / (k + rank)`, so items that
 * rank well in several lists rise, without comparing the lists' incomparable scores.
 */

/** Options of {@link reciprocalRankFusion}. */
export interface FusionOptions {
  /** Rank offset; default 60 (the value of the original paper). */
  k?: number;
  /** One weight per list; default 1 each. */
  weights?: readonly number[];
}

/**
 * Fuses ranked lists of ids into one, best first.
 *
 * @example
 * ```ts
 * reciprocalRankFusion([['a', 'b', 'c'], ['c', 'a']]); // [{ id: 'a', ... }, { id: 'c', ... }, { id: 'b', ... }]
 * ```
 */
export function reciprocalRankFusion(
  lists: ReadonlyArray<readonly string[]>,
  { k = 60, weights }: FusionOptions = {},
): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const [listIndex, list] of lists.entries()) {
    const weight = weights?.[listIndex] ?? 1;
    for (const [rank, id] of list.entries()) {
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + rank + 1));
    }
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
