/**
 * A min-queue of non-negative integers for the merge engine: a plain queue while values arrive
 * in increasing order (the common case), a binary heap once one does not.
 */

/**
 * Values waiting to be taken smallest first, in a growable Int32Array. Merges of one rank
 * happen left to right, so positions almost always arrive in order and a bucket is a plain
 * queue (`items[head, size)`); a value that arrives out of order turns it into a binary heap
 * (`items[0, size)`), which it then stays.
 */
export interface Bucket {
  items: Int32Array;
  head: number;
  size: number;
  heap: boolean;
}

/** An empty bucket; `heap: true` skips the queue phase. */
export function createBucket(heap: boolean): Bucket {
  return { items: new Int32Array(8), head: 0, size: 0, heap };
}

/** Moves the pending values to the front, into an array with room for as many again. */
function compact(bucket: Bucket): void {
  const pending = bucket.items.subarray(bucket.head, bucket.size);
  const items = new Int32Array(Math.max(8, pending.length * 2));
  items.set(pending);
  bucket.items = items;
  bucket.size = pending.length;
  bucket.head = 0;
}

function append(bucket: Bucket, value: number): void {
  if (bucket.size === bucket.items.length) compact(bucket);
  bucket.items[bucket.size++] = value;
}

/** Adds a value. */
export function push(bucket: Bucket, value: number): void {
  if (!bucket.heap) {
    if (bucket.size === bucket.head || (bucket.items[bucket.size - 1] ?? 0) < value) {
      append(bucket, value);
      return;
    }
    // Out of order: the pending values are sorted, which is a valid heap.
    compact(bucket);
    bucket.heap = true;
  }
  append(bucket, value);
  const { items } = bucket;
  let index = bucket.size - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    const above = items[parent] ?? 0;
    if (above <= value) break;
    items[index] = above;
    index = parent;
  }
  items[index] = value;
}

/** Removes and returns the smallest value; the bucket must not be empty. */
export function pop(bucket: Bucket): number {
  const { items } = bucket;
  if (!bucket.heap) return items[bucket.head++] ?? 0;
  const top = items[0] ?? 0;
  const size = --bucket.size;
  const last = items[size] ?? 0;
  let index = 0;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && (items[child + 1] ?? 0) < (items[child] ?? 0)) child++;
    const below = items[child] ?? 0;
    if (last <= below) break;
    items[index] = below;
    index = child;
  }
  if (size > 0) items[index] = last;
  return top;
}

/** Whether the bucket holds no value. */
export function isEmpty(bucket: Bucket): boolean {
  return bucket.size === bucket.head;
}
