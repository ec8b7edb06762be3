/**
 * Byte-pair merging of one piece: repeatedly merge the adjacent pair of tokens whose merged
 * token has the lowest rank, leftmost first, exactly as tiktoken does.
 *
 * Short pieces (almost all of them) use tiktoken's array scan, which is quadratic in the
 * piece but fastest when the piece is small. Longer pieces use a linked list and a priority
 * queue keyed by (rank, position), O(n log n), so a megabyte-long run of one character cannot
 * stall the caller.
 */
import { type Bucket, createBucket, isEmpty, pop, push } from './bucket';
import { NO_MERGE, type RankTable } from './rank-table';

/** Pieces longer than this many bytes are merged with the priority queue. */
const LONG_PIECE_BYTES = 64;

/**
 * Appends the tokens of `bytes[0, length)` to `out`.
 *
 * @example
 * ```ts
 * bytePairMerge(utf8, byteLength, table, tokens);
 * ```
 */
export function bytePairMerge(
  bytes: Uint8Array,
  length: number,
  table: RankTable,
  out: number[],
): void {
  if (length === 1) {
    out.push(table.byteTokens[bytes[0] ?? 0] ?? NO_MERGE);
  } else if (length <= LONG_PIECE_BYTES) {
    mergeShort(bytes, length, table, out);
  } else {
    mergeLong(bytes, length, table, out);
  }
}

function mergeShort(bytes: Uint8Array, length: number, table: RankTable, out: number[]): void {
  const parts: number[] = [];
  for (let i = 0; i < length; i++) parts.push(table.byteTokens[bytes[i] ?? 0] ?? NO_MERGE);
  // pairs[i] is the token parts[i] and parts[i + 1] merge into.
  const pairs: number[] = [];
  for (let i = 0; i + 1 < length; i++)
    pairs.push(table.mergedToken(parts[i] ?? 0, parts[i + 1] ?? 0));
  for (;;) {
    let best = NO_MERGE;
    let at = -1;
    for (let i = 0; i < pairs.length; i++) {
      const rank = pairs[i] ?? NO_MERGE;
      if (rank < best) {
        best = rank;
        at = i;
      }
    }
    if (at === -1) break;
    parts[at] = best;
    parts.splice(at + 1, 1);
    pairs.splice(at, 1);
    if (at < pairs.length) pairs[at] = table.mergedToken(best, parts[at + 1] ?? 0);
    if (at > 0) pairs[at - 1] = table.mergedToken(parts[at - 1] ?? 0, best);
  }
  for (const part of parts) out.push(part);
}

// Node arrays for long pieces (16 bytes per byte of the piece), grown on demand and reused;
// released after a piece larger than RETAINED_CAPACITY so one huge input does not pin them.
const RETAINED_CAPACITY = 1 << 17;
let capacity = 0;
let tokenOf = new Int32Array(0);
let nextOf = new Int32Array(0);
let previousOf = new Int32Array(0);
let pairOf = new Int32Array(0);

function allocate(size: number): void {
  capacity = size;
  tokenOf = new Int32Array(size);
  nextOf = new Int32Array(size);
  previousOf = new Int32Array(size);
  pairOf = new Int32Array(size);
}

const ABSORBED = -1;

/**
 * Merging with a priority queue: a heap of the ranks that have pending pairs, and per rank a
 * bucket of positions. Entries go stale when a node is absorbed or its pair changes; a stale
 * entry is recognised when it comes up (the node's pair no longer has that rank, because a
 * node's pair only ever grows into a longer, different token) and skipped. O(n log n).
 */
function mergeLong(bytes: Uint8Array, length: number, table: RankTable, out: number[]): void {
  if (length > capacity) allocate(Math.max(length, RETAINED_CAPACITY));
  const token = tokenOf;
  const next = nextOf;
  const previous = previousOf;
  const pair = pairOf;
  const buckets = new Map<number, Bucket>();
  const ranks = createBucket(true);

  const schedule = (rank: number, position: number): void => {
    let bucket = buckets.get(rank);
    if (bucket === undefined) {
      bucket = createBucket(false);
      buckets.set(rank, bucket);
      push(ranks, rank);
    }
    push(bucket, position);
  };

  for (let i = 0; i < length; i++) {
    token[i] = table.byteTokens[bytes[i] ?? 0] ?? NO_MERGE;
    next[i] = i + 1 < length ? i + 1 : -1;
    previous[i] = i - 1;
  }
  for (let i = 0; i < length; i++) {
    const merged = i + 1 < length ? table.mergedToken(token[i] ?? 0, token[i + 1] ?? 0) : NO_MERGE;
    pair[i] = merged;
    if (merged !== NO_MERGE) schedule(merged, i);
  }

  while (!isEmpty(ranks)) {
    const merged = ranks.items[0] ?? 0;
    const bucket = buckets.get(merged) as Bucket;
    const node = pop(bucket);
    if (isEmpty(bucket)) {
      buckets.delete(merged);
      pop(ranks);
    }
    if (token[node] === ABSORBED || pair[node] !== merged) continue;

    const absorbed = next[node] ?? -1;
    const after = next[absorbed] ?? -1;
    token[node] = merged;
    token[absorbed] = ABSORBED;
    next[node] = after;
    if (after !== -1) previous[after] = node;
    const right = after === -1 ? NO_MERGE : table.mergedToken(merged, token[after] ?? 0);
    pair[node] = right;
    if (right !== NO_MERGE) schedule(right, node);
    const left = previous[node] ?? -1;
    if (left !== -1) {
      const leftPair = table.mergedToken(token[left] ?? 0, merged);
      pair[left] = leftPair;
      if (leftPair !== NO_MERGE) schedule(leftPair, left);
    }
  }
  for (let node = 0; node !== -1; node = next[node] ?? -1) out.push(token[node] ?? NO_MERGE);
  if (capacity > RETAINED_CAPACITY) allocate(0);
}
