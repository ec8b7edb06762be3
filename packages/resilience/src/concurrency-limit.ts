/**
 * At most N calls at once; the rest wait in a bounded FIFO queue, give up after a queue
 * timeout, and leave the queue the moment their caller aborts.
 */
import { type Clock, systemClock } from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import { ChunkedQueue } from './chunked-queue';
import { ConcurrencyLimitError, type ConcurrencyLimitReason } from './concurrency-limit-error';
import { createEvent, type Subscribe } from './event';
import {
  type CallContext,
  type Policy,
  type PolicyContext,
  passingContext,
  toContext,
} from './policy';

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

/**
 * What a queued call needs to leave the queue early (its caller aborts, or it waited too long).
 * A call that can do neither queues without one.
 */
class Ticket {
  left = false;
  timer: unknown;
  onAbort: (() => void) | undefined;
  constructor(readonly reject: (reason: unknown) => void) {}
}

// One executor shared by every queued call's promise, instead of a closure per call.
let capturedResolve: (value: unknown) => void = () => {};
let capturedReject: (reason: unknown) => void = () => {};
const capture = (resolve: (value: never) => void, reject: (reason: unknown) => void): void => {
  capturedResolve = resolve as (value: unknown) => void;
  capturedReject = reject;
};

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
  let waiting = 0;
  // A queued call is four consecutive values: function, context, resolve, ticket (or undefined).
  const queue = new ChunkedQueue();

  const leave = (ticket: Ticket, context: CallContext): void => {
    ticket.left = true;
    waiting--;
    if (ticket.timer !== undefined) clock.clearTimeout(ticket.timer);
    if (ticket.onAbort) context.signal.removeEventListener('abort', ticket.onAbort);
  };
  // A finished call hands its slot to the next call still waiting; `active` only drops when none is.
  const release = (): void => {
    while (queue.length > 0) {
      const fn = queue.shift() as (context: PolicyContext) => unknown;
      const context = queue.shift() as CallContext;
      const resolve = queue.shift() as (value: unknown) => void;
      const ticket = queue.shift() as Ticket | undefined;
      if (ticket?.left) continue;
      if (ticket) leave(ticket, context);
      else waiting--;
      // The caller's promise follows the run's, errors included.
      resolve(run(fn, context));
      return;
    }
    active--;
  };
  const fulfilled = <T>(value: T): T => {
    release();
    return value;
  };
  const rejected = (error: unknown): never => {
    release();
    throw error;
  };
  // Runs a call that holds a slot; two handlers shared by every call free it when the call settles.
  const run = <T>(
    fn: (context: PolicyContext) => T | Promise<T>,
    context: CallContext,
  ): Promise<T> => {
    let result: T | Promise<T>;
    try {
      result = fn(context);
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(fulfilled, rejected);
  };
  const enqueue = <T>(
    fn: (context: PolicyContext) => T | Promise<T>,
    context: CallContext,
  ): Promise<T> => {
    const promise = new Promise<T>(capture);
    const canLeave = !context.neverAborts || queueTimeoutMs !== undefined;
    const ticket = canLeave ? new Ticket(capturedReject) : undefined;
    queue.push(fn);
    queue.push(context);
    queue.push(capturedResolve);
    queue.push(ticket);
    waiting++;
    if (ticket === undefined) return promise;
    const drop = (reason: unknown): void => {
      leave(ticket, context);
      ticket.reject(reason);
    };
    if (!context.neverAborts) {
      ticket.onAbort = () => drop(context.signal.reason);
      context.signal.addEventListener('abort', ticket.onAbort, { once: true });
    }
    if (queueTimeoutMs !== undefined)
      ticket.timer = clock.setTimeout(() => drop(refuse('queue-timeout')), queueTimeoutMs);
    return promise;
  };

  return passingContext({
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
      return enqueue(fn, context);
    },
  });
}
