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
  /** One kept for the life of the process, for V8's sake: see `TimeoutCall.kept` in timeout.ts. */
  static kept: Entry | undefined;

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
  // Live deadlines sit in entries[head, tail). The array is never shrunk by pop or by setting its
  // length, which would make the next call reallocate it: slots are cleared and reused instead.
  entries: Array<Entry | undefined> = [];
  head = 0;
  tail = 0;
  armed = false;

  constructor(
    readonly clock: Clock,
    readonly ms: number,
  ) {
    Entry.kept ??= new Entry(clock.now() + ms, undefined, this);
  }

  add(target: Expiring): Deadline {
    const entry = new Entry(this.clock.now() + this.ms, target, this);
    this.entries[this.tail++] = entry;
    if (!this.armed) this.arm(this.ms);
    return entry;
  }

  /** Drops finished deadlines from both ends, so a queue of finished calls stays empty. */
  trim(): void {
    const { entries } = this;
    while (this.tail > this.head && entries[this.tail - 1]?.target === undefined)
      entries[--this.tail] = undefined;
    while (this.head < this.tail && entries[this.head]?.target === undefined)
      entries[this.head++] = undefined;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tail) {
      entries.copyWithin(0, this.head, this.tail);
      entries.fill(undefined, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  readonly fire = (): void => {
    this.armed = false;
    const now = this.clock.now();
    while (this.head < this.tail) {
      const entry = this.entries[this.head] as Entry;
      if (entry.at > now && entry.target !== undefined) break;
      this.entries[this.head++] = undefined;
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
