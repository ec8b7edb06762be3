/**
 * Near-duplicate removal: items whose word trigram sets overlap above a Jaccard threshold are
 * dropped in favour of the better-ranked one (the same boilerplate indexed from two files).
 */
import { createAnalyzer } from './analyze';

const analyze = createAnalyzer();

function shingles(text: string): Set<string> {
  const words = analyze(text);
  const set = new Set<string>();
  if (words.length < 3) set.add(words.join(' '));
  for (let i = 0; i + 3 <= words.length; i++) set.add(words.slice(i, i + 3).join(' '));
  return set;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const shingle of a) if (b.has(shingle)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * The items, best first, without near-duplicates of an earlier item.
 *
 * @example
 * ```ts
 * removeNearDuplicates(results, { text: (result) => result.chunk.text, threshold: 0.9 });
 * ```
 */
export function removeNearDuplicates<T>(
  items: readonly T[],
  { text, threshold = 0.9 }: { text: (item: T) => string; threshold?: number },
): T[] {
  const kept: Array<{ item: T; shingles: Set<string> }> = [];
  for (const item of items) {
    const own = shingles(text(item));
    if (kept.some((other) => jaccard(own, other.shingles) >= threshold)) continue;
    kept.push({ item, shingles: own });
  }
  return kept.map(({ item }) => item);
}
