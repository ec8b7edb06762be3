/**
 * The cost model that picks how the HNSW store answers a filtered search, from the number of
 * vectors the filter matches (counted by the metadata index, or sampled for a function filter):
 *
 * - `exact`: a scan over the matching vectors only, about `matches × dim` multiply-adds.
 * - `graph`: an unfiltered hnswlib search wide enough to hold `ef` matches (`ef / selectivity`
 *   candidates), filtered afterwards. It visits about as much of the graph as hnswlib's own
 *   filtered walk, without calling back into JavaScript for every visited node.
 *
 * The scan's cost grows with the matches and the graph's with their inverse, so the scan wins
 * below about `sqrt(GRAPH_CANDIDATE_COST × ef × size)` matches.
 */

/**
 * The cost of one graph candidate relative to one vector of the exact scan, both at the same
 * dimension: hnswlib's native distances to a node's neighbours and its heaps against one
 * multiply-add loop in JavaScript. Measured by bench/hnsw.bench.ts (384 dimensions, 100,000
 * vectors: ef 2,000 against 1,000 matches), which prints the ratio it finds: 1.32 (1.18–1.53).
 */
export const GRAPH_CANDIDATE_COST = 1.3;

/** How a filtered search is answered. */
export type FilteredSearchPlan =
  | { strategy: 'exact' }
  | {
      strategy: 'graph';
      /** The candidate list of the unfiltered search. */
      ef: number;
      /** Results to ask for: enough that `k` of them match, with a margin of four deviations. */
      k: number;
    };

/** What {@link planFilteredSearch} decides from. */
export interface FilteredSearchInput {
  /** Vectors the filter matches (an upper bound is fine: the graph falls back when short). */
  matches: number;
  /** Vectors in the store. */
  size: number;
  /** Results wanted. */
  k: number;
  /** The search's candidate list. */
  ef: number;
  /** A fixed switch instead of the cost model: filters matching at most this fraction are exact. */
  exactFilterFraction?: number | undefined;
}

/**
 * Chooses the cheaper way to answer a filtered search.
 *
 * @example
 * ```ts
 * planFilteredSearch({ matches: 1_000, size: 100_000, k: 10, ef: 200 }); // { strategy: 'exact' }
 * planFilteredSearch({ matches: 10_000, size: 100_000, k: 10, ef: 200 }); // graph, ef 2,000
 * ```
 */
export function planFilteredSearch({
  matches,
  size,
  k,
  ef,
  exactFilterFraction,
}: FilteredSearchInput): FilteredSearchPlan {
  if (matches <= k) return { strategy: 'exact' };
  const spread = size / matches;
  const graphEf = Math.min(size, Math.ceil(Math.max(ef, k) * spread));
  const exact =
    exactFilterFraction === undefined
      ? matches <= graphEf * GRAPH_CANDIDATE_COST
      : matches <= size * exactFilterFraction;
  if (exact) return { strategy: 'exact' };
  return {
    strategy: 'graph',
    ef: graphEf,
    k: Math.min(graphEf, Math.ceil((k + 4 * Math.sqrt(k)) * spread)),
  };
}
