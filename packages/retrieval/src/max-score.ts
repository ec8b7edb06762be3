/**
 * Exact top-k BM25(F) over postings, term at a time, with MaxScore and block-max pruning.
 * Terms go strongest first (largest possible contribution), their weights summed into one
 * reusable score array. Once the k-th best partial score is out of reach of the terms left,
 * those terms only probe the documents already found that can still reach it, skipping those
 * whose block of the probed list cannot lift them there; a block whose largest weight cannot
 * reach the k-th whatever else a document holds is skipped whole. Every document's score is
 * summed in the same term order, so documents of equal weight score equal bits and ties go to
 * the lower slot, exactly as an exhaustive scorer ranks them.
 */
import { BLOCK, type Postings } from './postings';
import { TopK } from './top-k';

/** A query term with its postings and idf. */
export interface QueryTerm {
  list: Postings;
  idf: number;
}

/** Bounds are compared with this much headroom, so rounding never prunes a true candidate. */
const SLACK = 1 + 1e-12;

/** Reusable per-slot scratch of a search; every score is 0 between searches. */
export interface Scratch {
  scores: Float64Array;
  touched: Int32Array;
  candidates: Int32Array;
}

/**
 * The k best documents holding any of `query`'s terms that `accept` (when given) accepts, by
 * BM25(F), with each list's weights and block bounds fresh.
 */
export function maxScoreTopK(
  query: readonly QueryTerm[],
  k: number,
  accept: ((slot: number) => boolean) | undefined,
  scratch: Scratch,
): TopK<number> {
  // Strongest first: rare terms touch few documents and set a high bar early.
  const terms = [...query].sort((x, y) => y.idf * y.list.upper - x.idf * x.list.upper);
  const m = terms.length;
  const uppers = Float64Array.from(terms, (term) => term.idf * term.list.upper);
  /** from[i]: the most that terms i.. can add together. */
  const from = new Float64Array(m + 1);
  for (let i = m - 1; i >= 0; i--) from[i] = (from[i + 1] as number) + (uppers[i] as number);
  const { scores, touched } = scratch;
  let count = 0;
  try {
    for (let i = 0; i < m; i++) {
      const { list, idf } = terms[i] as QueryTerm;
      const threshold =
        i === 0 ? Number.NEGATIVE_INFINITY : kthScore(scores, touched, count, k, accept);
      // A document none of terms 0..i-1 holds can still reach the k-th: post every document.
      if ((from[i] as number) * SLACK >= threshold) {
        const others = (from[0] as number) - (uppers[i] as number);
        count = accumulate(list, idf, others, threshold, scores, touched, count);
      } else {
        const later = from[i + 1] as number;
        probe(list, idf, uppers[i] as number, later, threshold, scratch, count);
      }
    }
    const top = new TopK<number>(k);
    for (let t = 0; t < count; t++) {
      const doc = touched[t] as number;
      const score = scores[doc] as number;
      if (score < top.threshold || (accept !== undefined && !accept(doc))) continue;
      top.push(doc, score, doc);
    }
    return top;
  } finally {
    for (let t = 0; t < count; t++) scores[touched[t] as number] = 0;
  }
}

/**
 * Adds every posting's weight to its document's score, but for blocks whose largest weight
 * cannot reach `threshold` with the most `others` add; returns the documents touched.
 */
function accumulate(
  list: Postings,
  idf: number,
  others: number,
  threshold: number,
  scores: Float64Array,
  touched: Int32Array,
  found: number,
): number {
  const { docs, impacts, length } = list;
  const blockMax = list.blockMax as Float64Array;
  let count = found;
  for (let block = 0; block * BLOCK < length; block++) {
    if ((idf * (blockMax[block] as number) + others) * SLACK < threshold) continue;
    const end = blockEnd(list, block);
    for (let at = block * BLOCK; at < end; at++) {
      const doc = docs[at] as number;
      const score = scores[doc] as number;
      if (score === 0) touched[count++] = doc;
      scores[doc] = score + idf * (impacts[at] as number);
    }
  }
  return count;
}

/**
 * Adds this term's weight to the documents found so far that can still reach `threshold` with
 * at most `upper` from it and `later` from the terms after it, and whose block of this list
 * allows it.
 */
function probe(
  list: Postings,
  idf: number,
  upper: number,
  later: number,
  threshold: number,
  { scores, touched, candidates }: Scratch,
  count: number,
): void {
  const floor = threshold / SLACK - upper - later;
  const { docs, impacts, length } = list;
  const blockMax = list.blockMax as Float64Array;
  if (count * Math.log2(count + 1) < length) {
    let found = 0;
    for (let t = 0; t < count; t++) {
      const doc = touched[t] as number;
      if ((scores[doc] as number) >= floor) candidates[found++] = doc;
    }
    let block = 0;
    let at = 0;
    for (const doc of candidates.subarray(0, found).sort()) {
      while (block * BLOCK < length && (docs[blockEnd(list, block) - 1] as number) < doc) block++;
      if (block * BLOCK >= length) return;
      if ((scores[doc] as number) < floor + upper - idf * (blockMax[block] as number)) continue;
      at = list.seek(Math.max(at, block * BLOCK), doc);
      if (at < length && docs[at] === doc) {
        scores[doc] = (scores[doc] as number) + idf * (impacts[at] as number);
      }
    }
    return;
  }
  // Many documents found: one pass over the list beats looking each up.
  for (let block = 0; block * BLOCK < length; block++) {
    const blockFloor = floor + upper - idf * (blockMax[block] as number);
    const end = blockEnd(list, block);
    for (let at = block * BLOCK; at < end; at++) {
      const doc = docs[at] as number;
      const score = scores[doc] as number;
      if (score !== 0 && score >= blockFloor) scores[doc] = score + idf * (impacts[at] as number);
    }
  }
}

/** The k-th best score among the first `count` touched documents `accept` accepts, or -Infinity. */
function kthScore(
  scores: Float64Array,
  touched: Int32Array,
  count: number,
  k: number,
  accept: ((slot: number) => boolean) | undefined,
): number {
  // A min-heap of the k best scores: most documents are rejected by one comparison.
  const heap = new Float64Array(k);
  let size = 0;
  for (let t = 0; t < count; t++) {
    const doc = touched[t] as number;
    const score = scores[doc] as number;
    if (size === k && score <= (heap[0] as number)) continue;
    if (accept !== undefined && !accept(doc)) continue;
    let at: number;
    if (size < k) {
      at = size++;
      while (at > 0 && (heap[(at - 1) >> 1] as number) > score) {
        heap[at] = heap[(at - 1) >> 1] as number;
        at = (at - 1) >> 1;
      }
    } else {
      at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= k) break;
        const child =
          left + 1 < k && (heap[left + 1] as number) < (heap[left] as number) ? left + 1 : left;
        if ((heap[child] as number) >= score) break;
        heap[at] = heap[child] as number;
        at = child;
      }
    }
    heap[at] = score;
  }
  return size === k ? (heap[0] as number) : Number.NEGATIVE_INFINITY;
}

/** The end (exclusive) of block `block` of `list`. */
function blockEnd(list: Postings, block: number): number {
  return Math.min((block + 1) * BLOCK, list.length);
}
