/**
 * Selection of the k best-scored items with a bounded min-heap: O(n log k). Ties go to the
 * lower `order`, so results are deterministic whatever order items arrive in.
 */

/** Keeps the `k` entries with the highest scores. */
export class TopK<T> {
  private readonly scores: number[] = [];
  private readonly orders: number[] = [];
  private readonly items: T[] = [];
  private pushed = 0;

  constructor(private readonly k: number) {}

  get size(): number {
    return this.items.length;
  }

  /** The lowest score kept once full (anything below it is rejected), else -Infinity. */
  get threshold(): number {
    return this.items.length < this.k ? Number.NEGATIVE_INFINITY : (this.scores[0] as number);
  }

  /** Whether entry a ranks below entry b. */
  private worse(a: number, b: number): boolean {
    const scoreA = this.scores[a] as number;
    const scoreB = this.scores[b] as number;
    return (
      scoreA < scoreB ||
      (scoreA === scoreB && (this.orders[a] as number) > (this.orders[b] as number))
    );
  }

  /** Offers an item; `order` breaks ties (lower wins), default arrival order. */
  push(item: T, score: number, order = this.pushed): void {
    this.pushed++;
    if (this.k <= 0) return;
    if (this.items.length < this.k) {
      this.scores.push(score);
      this.orders.push(order);
      this.items.push(item);
      this.up(this.items.length - 1);
      return;
    }
    const lowest = this.scores[0] as number;
    if (score > lowest || (score === lowest && order < (this.orders[0] as number))) {
      this.scores[0] = score;
      this.orders[0] = order;
      this.items[0] = item;
      this.down(0);
    }
  }

  /** The kept entries, best first. */
  sorted(): Array<{ item: T; score: number }> {
    return this.items
      .map((item, i) => ({
        item,
        score: this.scores[i] as number,
        order: this.orders[i] as number,
      }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .map(({ item, score }) => ({ item, score }));
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b] as number, this.scores[a] as number];
    [this.orders[a], this.orders[b]] = [this.orders[b] as number, this.orders[a] as number];
    [this.items[a], this.items[b]] = [this.items[b] as T, this.items[a] as T];
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) break;
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
      let lowest = i;
      if (left < n && this.worse(left, lowest)) lowest = left;
      if (right < n && this.worse(right, lowest)) lowest = right;
      if (lowest === i) return;
      this.swap(i, lowest);
      i = lowest;
    }
  }
}
