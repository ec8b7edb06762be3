/**
 * Selection of the k best-scored items with a bounded min-heap: O(n log k).
 */

/** Keeps the `k` entries with the highest scores. */
export class TopK<T> {
  private readonly scores: number[] = [];
  private readonly items: T[] = [];

  constructor(private readonly k: number) {}

  get size(): number {
    return this.items.length;
  }

  /** The lowest score kept, or -Infinity while fewer than k are kept. */
  get threshold(): number {
    return this.items.length < this.k ? Number.NEGATIVE_INFINITY : (this.scores[0] as number);
  }

  push(item: T, score: number): void {
    if (this.k <= 0) return;
    if (this.items.length < this.k) {
      this.scores.push(score);
      this.items.push(item);
      this.up(this.items.length - 1);
    } else if (score > (this.scores[0] as number)) {
      this.scores[0] = score;
      this.items[0] = item;
      this.down(0);
    }
  }

  /** The kept entries, best first; ties keep insertion order. */
  sorted(): Array<{ item: T; score: number }> {
    return this.items
      .map((item, i) => ({ item, score: this.scores[i] as number }))
      .sort((a, b) => b.score - a.score);
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b] as number, this.scores[a] as number];
    [this.items[a], this.items[b]] = [this.items[b] as T, this.items[a] as T];
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.scores[parent] as number) <= (this.scores[i] as number)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && (this.scores[left] as number) < (this.scores[smallest] as number)) smallest = left;
      if (right < n && (this.scores[right] as number) < (this.scores[smallest] as number)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
