/**
 * The heading signal of hybrid search: candidates whose heading path names the query's words or
 * identifiers (`### createRedisBudget(options)`, `## Circuit breaker`), best first, as one more
 * ranked list for reciprocal-rank fusion.
 */
import { createAnalyzer } from './analyze';
import type { Chunk } from './types';

const analyze = createAnalyzer({ stemming: true, stopWords: true, identifiers: true });

/**
 * The query's terms for matching headings: its words, and its identifiers whole. The parts of
 * `MissingApiKeyError` would match every `## Errors` heading; the heading that names it holds
 * the whole identifier.
 */
function queryTerms(query: string): Set<string> {
  return new Set(
    query.split(/\s+/).flatMap((token) => {
      const terms = analyze(token);
      return terms.filter((term) => !terms.some((other) => other !== term && other.includes(term)));
    }),
  );
}

/**
 * Ranks the candidates whose heading path shares terms with `query` (a word, or an identifier
 * named whole: `### createRedisBudget(options)` for "createRedisBudget"). A shared term weighs
 * ln(1 + N / n), N the candidates and n those whose headings hold it, so a word every heading
 * carries (the document title) counts for little. Candidates without a shared term are left out;
 * ties keep the candidates' order.
 *
 * @example
 * ```ts
 * rankByHeadings('what does createRedisBudget do', chunks); // ids of chunks headed by it first
 * ```
 */
export function rankByHeadings(query: string, candidates: readonly Chunk[]): string[] {
  const wanted = queryTerms(query);
  if (wanted.size === 0) return [];
  const shared = candidates.map((chunk) => {
    const heading = chunk.headingPath?.join(' ') ?? '';
    return new Set(analyze(heading).filter((term) => wanted.has(term)));
  });
  const holding = new Map<string, number>();
  for (const terms of shared) {
    for (const term of terms) holding.set(term, (holding.get(term) ?? 0) + 1);
  }
  const total = candidates.length;
  return candidates
    .map((chunk, i) => {
      let score = 0;
      for (const term of shared[i] as Set<string>) {
        score += Math.log(1 + total / (holding.get(term) as number));
      }
      return { id: chunk.id, score, i };
    })
    .filter((entry) => entry.score > 0)
    .sort((x, y) => y.score - x.score || x.i - y.i)
    .map((entry) => entry.id);
}
