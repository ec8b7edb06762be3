/**
 * A clock for tests: time moves only when the test says so, and timers fire in order, with
 * promise continuations settled between them so that async code advances naturally.
 */
import { type Clock, InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';

/** A {@link Clock} driven by the test. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order; settles promises after each. */
  advance(ms: number): Promise<void>;
  /** Fires timers until none are left (timers that keep rescheduling themselves are an error). */
  runAll(): Promise<void>;
  /** How many timers are waiting. */
  pendingTimers(): number;
}

/** Lets promise continuations (and anything they schedule with setImmediate) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Creates a fake clock starting at `now` (Unix epoch milliseconds, default 0).
 *
 * @example
 * ```ts
 * const clock = createFakeClock();
 * const slept = sleep(1_000, { clock });
 * await clock.advance(1_000);
 * await slept; // resolved without waiting a real second
 * ```
 */
export function createFakeClock({
  now: start = 0,
  maxTimers = 100_000,
}: {
  now?: number;
  maxTimers?: number;
} = {}): FakeClock {
  let current = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();

  const earliestDue = (until: number) => {
    let found: [number, { at: number; callback: () => void }] | undefined;
    for (const entry of timers) {
      if (entry[1].at <= until && (found === undefined || entry[1].at < found[1].at)) found = entry;
    }
    return found;
  };

  const clock: FakeClock = {
    now: () => current,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: current + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      assertNumber('ms', ms, { min: 0 });
      const until = current + ms;
      await settle();
      for (let due = earliestDue(until); due; due = earliestDue(until)) {
        timers.delete(due[0]);
        current = due[1].at;
        due[1].callback();
        await settle();
      }
      current = until;
    },
    async runAll() {
      for (let fired = 0; timers.size > 0; fired++) {
        if (fired >= maxTimers) {
          throw new InvalidArgumentError({
            argument: 'runAll',
            message: `runAll() fired ${maxTimers} timers and more keep coming; use advance(ms) for code that reschedules itself`,
          });
        }
        const due = earliestDue(Number.POSITIVE_INFINITY);
        if (due) await clock.advance(due[1].at - current);
      }
    },
    pendingTimers: () => timers.size,
  };
  return clock;
}
