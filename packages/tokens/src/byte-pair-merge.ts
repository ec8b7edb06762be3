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

// Scratch arrays for long pieces, grown on demand and reused; released after a piece larger
// than RETAINED_CAPACITY so one huge input does not pin its memory. A piece of n bytes needs
// 16n bytes of node arrays and at most 16n bytes of heap.
const RETAINED_CAPACITY = 1 << 17;
let capacity = 0;
let tokenOf = new Int32Array(0);
let nextOf = new Int32Array(0);
let previousOf = new Int32Array(0);
let pairOf = new Int32Array(0);
let heapOf = new Float64Array(0);

function allocate(size: number): void {
  capacity = size;
  tokenOf = new Int32Array(size);
  nextOf = new Int32Array(size);
  previousOf = new Int32Array(size);
  pairOf = new Int32Array(size);
  heapOf = new Float64Array(2 * size);
}

// A heap entry packs (merged rank, node) into one double, so that plain numeric order is
// "lowest rank first, then leftmost": exact, since ranks < 2^18 and nodes < 2^32.
const NODE_RANGE = 2 ** 32;
const ABSORBED = -1;

/**
 * Heap-based merging. Entries go stale when a node is absorbed or its pair changes; a stale
 * entry is recognised on pop (the node's current pair no longer has that rank, because a
 * node's pair only ever grows into a longer, different token) and skipped.
 */
function mergeLong(bytes: Uint8Array, length: number, table: RankTable, out: number[]): void {
  if (length > capacity) allocate(Math.max(length, RETAINED_CAPACITY));
  const token = tokenOf;
  const next = nextOf;
  const previous = previousOf;
  const pair = pairOf;
  const heap = heapOf;
  let size = 0;

  for (let i = 0; i < length; i++) {
    token[i] = table.byteTokens[bytes[i] ?? 0] ?? NO_MERGE;
    next[i] = i + 1 < length ? i + 1 : -1;
    previous[i] = i - 1;
  }
  for (let i = 0; i < length; i++) {
    const merged = i + 1 < length ? table.mergedToken(token[i] ?? 0, token[i + 1] ?? 0) : NO_MERGE;
    pair[i] = merged;
    if (merged !== NO_MERGE) heap[size++] = merged * NODE_RANGE + i;
  }
  for (let i = (size - 2) >> 2; i >= 0; i--) siftDown(heap, size, i);

  while (size > 0) {
    const top = heap[0] ?? 0;
    size--;
    if (size > 0) {
      heap[0] = heap[size] ?? 0;
      siftDown(heap, size, 0);
    }
    const merged = Math.floor(top / NODE_RANGE) | 0;
    const node = (top - merged * NODE_RANGE) | 0;
    if (token[node] === ABSORBED || pair[node] !== merged) continue;

    const absorbed = next[node] ?? -1;
    const after = next[absorbed] ?? -1;
    token[node] = merged;
    token[absorbed] = ABSORBED;
    next[node] = after;
    if (after !== -1) previous[after] = node;
    const right = after === -1 ? NO_MERGE : table.mergedToken(merged, token[after] ?? 0);
    pair[node] = right;
    if (right !== NO_MERGE) size = push(heap, size, right * NODE_RANGE + node);
    const left = previous[node] ?? -1;
    if (left !== -1) {
      const leftPair = table.mergedToken(token[left] ?? 0, merged);
      pair[left] = leftPair;
      if (leftPair !== NO_MERGE) size = push(heap, size, leftPair * NODE_RANGE + left);
    }
  }
  for (let node = 0; node !== -1; node = next[node] ?? -1) out.push(token[node] ?? NO_MERGE);
  if (capacity > RETAINED_CAPACITY) allocate(0);
}

// A 4-ary heap: half the depth of a binary one, and its children share a cache line.
function push(heap: Float64Array, size: number, entry: number): number {
  let index = size;
  while (index > 0) {
    const parent = (index - 1) >> 2;
    const above = heap[parent] ?? 0;
    if (above <= entry) break;
    heap[index] = above;
    index = parent;
  }
  heap[index] = entry;
  return size + 1;
}

function siftDown(heap: Float64Array, size: number, start: number): void {
  const entry = heap[start] ?? 0;
  let index = start;
  for (;;) {
    const first = 4 * index + 1;
    if (first >= size) break;
    let child = first;
    let smallest = heap[first] ?? 0;
    const last = Math.min(first + 4, size);
    for (let candidate = first + 1; candidate < last; candidate++) {
      const value = heap[candidate] ?? 0;
      if (value < smallest) {
        smallest = value;
        child = candidate;
      }
    }
    if (entry <= smallest) break;
    heap[index] = smallest;
    index = child;
  }
  heap[index] = entry;
}
