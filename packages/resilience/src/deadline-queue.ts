/**
 * Deadlines of one fixed length, kept in arrival order under a single timer. Every call of a
 * policy with the same limit expires in the order it started, so a FIFO replaces a timer per
 * call (a Node timer costs about as much as the rest of a policy's success path).
 */
import type { Clock } from '@keel/core';

/**
 * What a deadline fires: the call's own object, which also carries its deadline, so registering
 * one allocates nothing.
 */
export interface Expiring {
  /** When the deadline passes; set by the queue, undefined once it fired or was cancelled. */
  deadlineAt: number | undefined;
  expire(): void;
}

/** Deadlines `ms` after registration. */
export interface DeadlineQueue {
  add(target: Expiring): void;
  /** The call finished: its deadline will not fire, and the queue keeps nothing of it. */
  cancel(target: Expiring): void;
}

class Queue implements DeadlineQueue {
  // Live deadlines sit in entries[head, tail). The array is never shrunk by pop or by setting its
  // length, which would make the next call reallocate it: slots are cleared and reused instead.
  entries: Array<Expiring | undefined> = [];
  head = 0;
  tail = 0;
  armed = false;

  constructor(
    readonly clock: Clock,
    readonly ms: number,
  ) {}

  add(target: Expiring): void {
    target.deadlineAt = this.clock.now() + this.ms;
    this.entries[this.tail++] = target;
    if (!this.armed) this.arm(this.ms);
  }

  cancel(target: Expiring): void {
    if (target.deadlineAt === undefined) return;
    target.deadlineAt = undefined;
    this.trim();
  }

  /** Drops finished deadlines from both ends, so a queue of finished calls stays empty. */
  trim(): void {
    const { entries } = this;
    while (this.tail > this.head && entries[this.tail - 1]?.deadlineAt === undefined)
      entries[--this.tail] = undefined;
    while (this.head < this.tail && entries[this.head]?.deadlineAt === undefined)
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
      const target = this.entries[this.head] as Expiring;
      const at = target.deadlineAt;
      if (at !== undefined && at > now) break;
      this.entries[this.head++] = undefined;
      if (at === undefined) continue;
      target.deadlineAt = undefined;
      target.expire();
    }
    this.trim();
    const next = this.entries[this.head]?.deadlineAt;
    if (next !== undefined) this.arm(next - now);
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
export function deadlineQueue(clock: Clock, ms: number): DeadlineQueue {
  return new Queue(clock, ms);
}
