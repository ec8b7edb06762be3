/**
 * Deadlines of one fixed length, kept in arrival order under a single timer. Every call of a
 * policy with the same limit expires in the order it started, so a FIFO replaces a timer per
 * call (a Node timer costs about as much as the rest of a policy's success path).
 */
import type { Clock } from '@keel/core';

/** A registered deadline. */
export interface Deadline {
  /** The call finished: its deadline will not fire, and nothing of the call is kept. */
  cancel(): void;
}

/** What a deadline fires: the call's own object, so registering one makes no closure. */
export interface Expiring {
  expire(): void;
}

class Entry implements Deadline {
  constructor(
    readonly at: number,
    public target: Expiring | undefined,
    readonly queue: Queue,
  ) {}
  cancel(): void {
    this.target = undefined;
    this.queue.trim();
  }
}

class Queue {
  entries: Entry[] = [];
  head = 0;
  armed = false;

  constructor(
    readonly clock: Clock,
    readonly ms: number,
  ) {}

  add(target: Expiring): Deadline {
    const entry = new Entry(this.clock.now() + this.ms, target, this);
    this.entries.push(entry);
    if (!this.armed) this.arm(this.ms);
    return entry;
  }

  /** Drops finished deadlines from both ends, so a queue of finished calls stays empty. */
  trim(): void {
    const { entries } = this;
    while (
      entries.length > this.head &&
      (entries[entries.length - 1] as Entry).target === undefined
    )
      entries.pop();
    while (this.head < entries.length && (entries[this.head] as Entry).target === undefined)
      this.head++;
    if (this.head === entries.length) {
      entries.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  readonly fire = (): void => {
    this.armed = false;
    const now = this.clock.now();
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as Entry;
      if (entry.at > now && entry.target !== undefined) break;
      this.head++;
      const target = entry.target;
      entry.target = undefined;
      target?.expire();
    }
    this.trim();
    const next = this.entries[this.head];
    if (next) this.arm(next.at - now);
  };

  arm(delay: number): void {
    this.armed = true;
    const handle = this.clock.setTimeout(this.fire, Math.max(0, delay)) as
      | { unref?: () => void }
      | undefined;
    handle?.unref?.();
  }
}

/**
 * Creates a queue for deadlines `ms` after registration. Its one timer is unref'd where the
 * clock's handles support it, so a pending deadline never keeps a process alive.
 */
export function deadlineQueue(clock: Clock, ms: number): { add(target: Expiring): Deadline } {
  return new Queue(clock, ms);
}
