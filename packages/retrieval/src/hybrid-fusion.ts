/**
 * Hybrid mode's fusion: the vector and lexical rankings, and the heading list drawn from their
 * candidates, merged by weighted reciprocal-rank fusion with the retriever's constant and
 * weights.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { rankByHeadings } from './rank-by-headings';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';
import type { HybridOptions } from './retriever-options';
import type { Chunk } from './types';

/** Hybrid fusion with every setting given. */
export type HybridSettings = Required<HybridOptions>;

/**
 * The defaults: the original paper's constant, every list weighing 1. The sweep's best for
 * ranking (README, "Hybrid tuning") is not the default, because docs-chat's answers got worse
 * with it.
 */
export const DEFAULT_HYBRID: Readonly<HybridSettings> = {
  k: 2,
  vectorWeight: 0.25,
  bm25Weight: 1,
  headingWeight: 0.5,
};

/**
 * The retriever's fusion settings: the defaults overridden by `options`, each checked.
 *
 * @throws InvalidArgumentError for a negative or non-finite value, or when both the vector and
 *   the BM25 weight are 0.
 * @example
 * ```ts
 * hybridSettings({ k: 20 }); // { k: 20, vectorWeight: 0.25, bm25Weight: 1, headingWeight: 0.5 }
 * ```
 */
export function hybridSettings(options: HybridOptions = {}): HybridSettings {
  const {
    k = DEFAULT_HYBRID.k,
    vectorWeight = DEFAULT_HYBRID.vectorWeight,
    bm25Weight = DEFAULT_HYBRID.bm25Weight,
    headingWeight = DEFAULT_HYBRID.headingWeight,
  } = options;
  const settings = { k, vectorWeight, bm25Weight, headingWeight };
  for (const name of ['k', 'vectorWeight', 'bm25Weight', 'headingWeight'] as const) {
    assertNumber(`hybrid.${name}`, settings[name], { min: 0 });
  }
  if (settings.vectorWeight === 0 && settings.bm25Weight === 0) {
    throw new InvalidArgumentError({
      argument: 'hybrid',
      message:
        'hybrid.vectorWeight and hybrid.bm25Weight are both 0, so hybrid search would rank nothing; give one a positive weight, or retrieve with mode "vector" or "bm25"',
    });
  }
  return settings;
}

/**
 * Fuses the vector and lexical rankings (ids, best first) and, unless its weight is 0, the
 * heading list of their candidates (`known`, by id), best first.
 *
 * @example
 * ```ts
 * fuseHybrid('what does createRedisBudget do', [vectorIds, bm25Ids], chunksById, hybridSettings());
 * ```
 */
export function fuseHybrid(
  query: string,
  lists: readonly [readonly string[], readonly string[]],
  known: ReadonlyMap<string, Chunk>,
  { k, vectorWeight, bm25Weight, headingWeight }: HybridSettings,
): Array<{ id: string; score: number }> {
  const fusion = { k, weights: [vectorWeight, bm25Weight, headingWeight] };
  if (headingWeight === 0) return reciprocalRankFusion(lists, fusion);
  const candidates = reciprocalRankFusion(lists, fusion).flatMap(({ id }) => known.get(id) ?? []);
  return reciprocalRankFusion([...lists, rankByHeadings(query, candidates)], fusion);
}
