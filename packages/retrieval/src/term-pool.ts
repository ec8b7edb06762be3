/**
 * Every document's term ids in text order, one shared Int32Array for the whole index: what
 * removing a document unposts, and where a phrase is looked for. A removed document leaves a
 * hole until the index compacts.
 */
export class TermPool {
  private pool = new Int32Array(1024);
  private used = 0;
  private starts = new Int32Array(64);
  private counts = new Int32Array(64);

  /** Stores the terms of `slot`, which must be the next slot or a freed one. */
  set(slot: number, terms: ArrayLike<number>): void {
    if (slot >= this.starts.length) {
      const capacity = Math.max(slot + 1, this.starts.length * 2);
      this.starts = grown(this.starts, capacity);
      this.counts = grown(this.counts, capacity);
    }
    if (this.used + terms.length > this.pool.length) {
      this.pool = grown(this.pool, Math.ceil((this.used + terms.length) * 1.5));
    }
    this.starts[slot] = this.used;
    this.counts[slot] = terms.length;
    for (let i = 0; i < terms.length; i++) this.pool[this.used + i] = terms[i] as number;
    this.used += terms.length;
  }

  /** The whole pool (valid until the next write): the terms of `slot` start at `start(slot)`. */
  get terms(): Int32Array {
    return this.pool;
  }

  start(slot: number): number {
    return this.starts[slot] as number;
  }

  /** The terms of `slot` (a view, valid until the next write). */
  get(slot: number): Int32Array {
    const start = this.starts[slot] as number;
    return this.pool.subarray(start, start + (this.counts[slot] as number));
  }

  /**
   * Keeps the slots `renumber` maps (to their new number; -1 drops one), with their term ids
   * mapped through `terms`, packed without holes.
   */
  compact(renumber: Int32Array, terms: Int32Array): void {
    let total = 0;
    for (let slot = 0; slot < renumber.length; slot++) {
      if ((renumber[slot] as number) !== -1) total += this.counts[slot] as number;
    }
    const pool = new Int32Array(Math.max(total, 16));
    let used = 0;
    for (let slot = 0; slot < renumber.length; slot++) {
      const to = renumber[slot] as number;
      if (to === -1) continue;
      const start = this.starts[slot] as number;
      const count = this.counts[slot] as number;
      for (let i = 0; i < count; i++)
        pool[used + i] = terms[this.pool[start + i] as number] as number;
      this.starts[to] = used;
      this.counts[to] = count;
      used += count;
    }
    this.pool = pool;
    this.used = used;
  }
}

/** A copy of `array` with room for `capacity` elements. */
export function grown<T extends Int32Array | Float64Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array.subarray(0, Math.min(array.length, capacity)));
  return next;
}
