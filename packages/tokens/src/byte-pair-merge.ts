/**
 * Byte-pair merging of one piece: repeatedly merge the adjacent pair of tokens whose merged
 * token has the lowest rank, leftmost first, exactly as tiktoken does.
 *
 * Short pieces (almost all of them) use tiktoken's array scan, which is quadratic in the
 * piece but fastest when the piece is small. Longer pieces use a linked list and a binary heap
 * keyed by (rank, position), O(n log n), so a megabyte-long run of one character cannot stall
 * the caller.
 */
import { NO_MERGE, type RankTable } from './rank-table';

/** Pieces longer than this many bytes are merged with the heap. */
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

// Node arrays for long pieces, grown on demand and reused; released after a piece larger than
// RETAINED_CAPACITY so that one huge input does not pin its memory.
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
 * The positions waiting to merge into one token, in increasing order. Merges of one rank
 * happen left to right, so positions almost always arrive in order and the bucket is a plain
 * queue; one that arrives out of order turns the bucket into a binary heap.
 */
interface Bucket {
  items: number[];
  head: number;
  heap: boolean;
}

function bucketPush(bucket: Bucket, position: number): void {
  const { items } = bucket;
  if (!bucket.heap) {
    if (items.length === bucket.head || (items.at(-1) ?? 0) < position) {
      items.push(position);
      return;
    }
    // Out of order: keep the pending part as a heap from now on.
    bucket.items = items.slice(bucket.head);
    bucket.head = 0;
    bucket.heap = true;
    bucket.items.sort((a, b) => a - b); // a sorted array is a valid heap
  }
  heapPush(bucket.items, position);
}

function bucketPop(bucket: Bucket): number {
  if (!bucket.heap) return bucket.items[bucket.head++] ?? 0;
  return heapPop(bucket.items);
}

function bucketSize(bucket: Bucket): number {
  return bucket.items.length - bucket.head;
}

function heapPush(heap: number[], value: number): void {
  let index = heap.length;
  heap.push(value);
  while (index > 0) {
    const parent = (index - 1) >> 1;
    const above = heap[parent] ?? 0;
    if (above <= value) break;
    heap[index] = above;
    index = parent;
  }
  heap[index] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0] ?? 0;
  const last = heap.pop() ?? 0;
  const size = heap.length;
  if (size === 0) return top;
  let index = 0;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && (heap[child + 1] ?? 0) < (heap[child] ?? 0)) child++;
    const below = heap[child] ?? 0;
    if (last <= below) break;
    heap[index] = below;
    index = child;
  }
  heap[index] = last;
  return top;
}

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
  const ranks: number[] = [];

  const schedule = (rank: number, position: number): void => {
    let bucket = buckets.get(rank);
    if (bucket === undefined) {
      bucket = { items: [], head: 0, heap: false };
      buckets.set(rank, bucket);
      heapPush(ranks, rank);
    }
    bucketPush(bucket, position);
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

  while (ranks.length > 0) {
    const merged = ranks[0] ?? 0;
    const bucket = buckets.get(merged) as Bucket;
    const node = bucketPop(bucket);
    if (bucketSize(bucket) === 0) {
      buckets.delete(merged);
      heapPop(ranks);
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
