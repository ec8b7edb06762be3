/**
 * At most N calls at once; the rest wait in a bounded FIFO queue, give up after a queue
 * timeout, and leave the queue the moment their caller aborts.
 */
import { type Clock, systemClock } from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import { ConcurrencyLimitError, type ConcurrencyLimitReason } from './concurrency-limit-error';
import { createEvent, type Subscribe } from './event';
import { type CallContext, type Policy, type PolicyContext, toContext } from './policy';

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

/** A call waiting for a slot. Listener and timer exist only when a signal or timeout needs them. */
class Job {
  done = false;
  timer: unknown;
  onAbort: (() => void) | undefined;
  constructor(
    readonly fn: (context: PolicyContext) => unknown,
    readonly context: CallContext,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
  ) {}
}

/** The checked options and the refusal every concurrency limit shares; see {@link concurrencyRules}. */
export interface ConcurrencyRules {
  maxQueue: number;
  onReject: Subscribe<{ reason: ConcurrencyLimitReason }>;
  /** Emits `onReject` and returns the error to reject the call with. */
  refuse(reason: ConcurrencyLimitReason): ConcurrencyLimitError;
}

/**
 * Checks the options every concurrency limit takes (in process and on Redis) and builds the
 * refusal they share.
 *
 * @example
 * ```ts
 * const { maxQueue, onReject, refuse } = concurrencyRules(options);
 * if (waiting >= maxQueue) throw refuse('queue-full');
 * ```
 */
export function concurrencyRules({
  maxConcurrent,
  maxQueue = Number.POSITIVE_INFINITY,
  queueTimeoutMs,
}: ConcurrencyLimitOptions): ConcurrencyRules {
  assertNumber('maxConcurrent', maxConcurrent, { integer: true, min: 1 });
  assertNumber('maxQueue', maxQueue, { integer: true, min: 0, allowInfinity: true });
  if (queueTimeoutMs !== undefined) {
    assertDelay('queueTimeoutMs', queueTimeoutMs, { hint: 'leave it out to wait without a limit' });
  }
  const rejected = createEvent<{ reason: ConcurrencyLimitReason }>();
  return {
    maxQueue,
    onReject: rejected.on,
    refuse(reason) {
      rejected.emit({ reason });
      return new ConcurrencyLimitError({
        reason,
        maxConcurrent,
        limit: reason === 'queue-full' ? maxQueue : (queueTimeoutMs as number),
      });
    },
  };
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
export function concurrencyLimit(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  const { maxConcurrent, queueTimeoutMs, clock = systemClock } = options;
  const { maxQueue, onReject, refuse } = concurrencyRules(options);
  let active = 0;
  // FIFO without Array#shift: a head index, compacted when the dead prefix grows.
  let queue: Job[] = [];
  let head = 0;
  let waiting = 0;

  const leave = (job: Job): void => {
    job.done = true;
    waiting--;
    if (job.timer !== undefined) clock.clearTimeout(job.timer);
    if (job.onAbort) job.context.signal.removeEventListener('abort', job.onAbort);
  };
  const drop = (job: Job, reason: unknown): void => {
    if (job.done) return;
    leave(job);
    job.reject(reason);
  };
  const run = async <T>(
    fn: (context: PolicyContext) => T | Promise<T>,
    context: CallContext,
  ): Promise<T> => {
    try {
      return await fn(context);
    } finally {
      release();
    }
  };
  const runJob = async (job: Job): Promise<void> => {
    try {
      job.resolve(await job.fn(job.context));
    } catch (error) {
      job.reject(error);
    } finally {
      release();
    }
  };
  // A finished call hands its slot to the next live job; `active` only drops when none waits.
  const release = (): void => {
    while (head < queue.length) {
      const job = queue[head++] as Job;
      if (job.done) continue;
      leave(job);
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      runJob(job);
      return;
    }
    active--;
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting;
    },
    onReject,
    execute<T>(
      fn: (context: PolicyContext) => T | Promise<T>,
      options?: Partial<PolicyContext>,
    ): Promise<T> {
      const context = toContext(options);
      if (context.aborted) return Promise.reject(context.signal.reason);
      if (active < maxConcurrent) {
        active++;
        return run(fn, context);
      }
      if (waiting >= maxQueue) return Promise.reject(refuse('queue-full'));
      return new Promise<T>((resolve, reject) => {
        const job = new Job(fn, context, resolve as (value: unknown) => void, reject);
        queue.push(job);
        waiting++;
        if (!context.neverAborts) {
          job.onAbort = () => drop(job, context.signal.reason);
          context.signal.addEventListener('abort', job.onAbort, { once: true });
        }
        if (queueTimeoutMs !== undefined)
          job.timer = clock.setTimeout(() => drop(job, refuse('queue-timeout')), queueTimeoutMs);
      });
    },
  };
}
