/**
 * At most N calls at once; the rest wait in a bounded FIFO queue, give up after a queue
 * timeout, and leave the queue the moment their caller aborts.
 */
import { type Clock, InvalidArgumentError, systemClock } from '@keel/core';
import { ConcurrencyLimitError, type ConcurrencyLimitReason } from './concurrency-limit-error';
import { createEvent, type Subscribe } from './event';
import { type Policy, toContext } from './policy';

/** Options of {@link concurrencyLimit}. */
export interface ConcurrencyLimitOptions {
  maxConcurrent: number;
  /** Calls allowed to wait; default unbounded. */
  maxQueue?: number;
  /** Longest wait for a slot; default unbounded. */
  queueTimeoutMs?: number;
  clock?: Clock;
}

/** A concurrency limiter. */
export interface ConcurrencyLimit extends Policy {
  readonly active: number;
  readonly queued: number;
  onReject: Subscribe<{ reason: ConcurrencyLimitReason }>;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  done: boolean;
}

/**
 * Creates a concurrency limiter.
 *
 * @example
 * ```ts
 * const limit = concurrencyLimit({ maxConcurrent: 16, maxQueue: 200, queueTimeoutMs: 5_000 });
 * const results = await Promise.all(documents.map((doc) => limit.execute(() => embed(doc))));
 * ```
 */
export function concurrencyLimit({
  maxConcurrent,
  maxQueue = Number.POSITIVE_INFINITY,
  queueTimeoutMs,
  clock = systemClock,
}: ConcurrencyLimitOptions): ConcurrencyLimit {
  if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
    throw new InvalidArgumentError({
      argument: 'maxConcurrent',
      message: `maxConcurrent must be an integer >= 1, got ${maxConcurrent}`,
    });
  }
  if (!(maxQueue === Number.POSITIVE_INFINITY || (Number.isInteger(maxQueue) && maxQueue >= 0))) {
    throw new InvalidArgumentError({
      argument: 'maxQueue',
      message: `maxQueue must be an integer >= 0, got ${maxQueue}`,
    });
  }
  const rejected = createEvent<{ reason: ConcurrencyLimitReason }>();
  let active = 0;
  // FIFO without Array#shift: a head index, compacted when the dead prefix grows.
  let queue: Waiter[] = [];
  let head = 0;
  let waiting = 0;

  const release = () => {
    while (head < queue.length) {
      const next = queue[head++] as Waiter;
      if (next.done) continue;
      next.done = true;
      waiting--;
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      next.resolve(); // the slot passes to the waiter: `active` stays the same
      return;
    }
    active--;
  };
  const refuse = (reason: ConcurrencyLimitReason): ConcurrencyLimitError => {
    rejected.emit({ reason });
    return new ConcurrencyLimitError({
      reason,
      maxConcurrent,
      limit: reason === 'queue-full' ? maxQueue : (queueTimeoutMs as number),
    });
  };
  const enqueue = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const onAbort = () => settle(() => reject(signal?.reason));
      const settle = (finish: () => void) => {
        if (waiter.done) return;
        waiter.done = true;
        waiting--;
        finish();
      };
      const waiter: Waiter = {
        done: false,
        resolve() {
          if (timer !== undefined) clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      queue.push(waiter);
      waiting++;
      signal?.addEventListener('abort', onAbort, { once: true });
      if (queueTimeoutMs !== undefined) {
        timer = clock.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          settle(() => reject(refuse('queue-timeout')));
        }, queueTimeoutMs);
      }
    });

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting;
    },
    onReject: rejected.on,
    async execute(fn, options) {
      const context = toContext(options);
      context.throwIfAborted();
      if (active < maxConcurrent) active++;
      else if (waiting >= maxQueue) throw refuse('queue-full');
      else await enqueue(context.neverAborts ? undefined : context.signal);
      try {
        return await fn(context);
      } finally {
        release();
      }
    },
  };
}
