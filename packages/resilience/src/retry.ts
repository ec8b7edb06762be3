/**
 * Retry with jittered exponential backoff that obeys the provider: Retry-After in every form,
 * x-should-retry, an overall deadline it never sleeps past, a shared budget, and no retry of an
 * abort, ever.
 */
import { type Clock, sleep, systemClock, TimeoutError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type BackoffKind, backoffDelay } from './backoff';
import { type Classification, classify as defaultClassify } from './classify';
import { type DeadlineQueue, deadlineQueue, type Expiring } from './deadline-queue';
import { createEvent, type Subscribe } from './event';
import {
  type CallContext,
  type ExecuteOptions,
  type KeyBox,
  LazyAbort,
  type Policy,
  type PolicyContext,
  passingContext,
  toContext,
} from './policy';
import { retryAfterMs } from './retry-after';
import type { RetryBudget } from './retry-budget';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts in all, the first included; default 3. */
  maxAttempts?: number;
  /** Jitter formula; default `full`. */
  backoff?: BackoffKind;
  /** Base delay; default 500 ms. */
  baseDelayMs?: number;
  /** Longest backoff delay; default 30 s. */
  maxDelayMs?: number;
  /** Time limit for the whole call, retries and waits included; attempts are cancelled at it. */
  deadlineMs?: number;
  /** A server-requested wait longer than this gives up at once instead of sleeping; default 60 s. */
  maxRetryAfterMs?: number;
  /** A shared budget that caps retries across calls. */
  budget?: RetryBudget;
  /** What is worth retrying; default {@link defaultClassify classify}. */
  classify?: (error: unknown) => Classification;
  clock?: Clock;
  /** Random numbers in [0, 1) for jitter; default Math.random. */
  random?: () => number;
}

/** A retry is about to wait `delayMs` before attempt `attempt + 1`. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
  classification: Classification;
  /** Whether the delay came from the server (Retry-After) rather than backoff. */
  serverRequested: boolean;
}

/** Why retrying stopped with an error. */
export type GiveUpReason =
  | 'fatal'
  | 'max-attempts'
  | 'deadline'
  | 'budget'
  | 'retry-after-too-long';

/** The call failed for good. */
export interface GiveUpEvent {
  attempts: number;
  error: unknown;
  reason: GiveUpReason;
}

/** A retry policy. */
export interface RetryPolicy extends Policy {
  onRetry: Subscribe<RetryEvent>;
  onGiveUp: Subscribe<GiveUpEvent>;
}

/** The overall deadline of one call: its signal is made only if an attempt reads it. */
class RetryDeadline extends LazyAbort implements Expiring {
  /** One kept for the life of the process, for V8's sake: see `TimeoutCall.kept`. */
  static kept: RetryDeadline | undefined;
  // Declared only, set in the constructor (see LazyAbort).
  declare deadlineAt: number | undefined;
  declare readonly timeoutMs: number;
  declare readonly startedAt: number;
  /** The queue this call's deadline waits in. */
  declare readonly deadlines: DeadlineQueue | undefined;

  constructor(
    parent: CallContext,
    timeoutMs: number,
    startedAt: number,
    deadlines: DeadlineQueue | undefined,
  ) {
    super(parent);
    this.deadlineAt = undefined;
    this.timeoutMs = timeoutMs;
    this.startedAt = startedAt;
    this.deadlines = deadlines;
  }

  expire(): void {
    this.abort(new TimeoutError({ timeoutMs: this.timeoutMs }));
  }

  /** The call is over: the deadline will not fire. */
  finish(): void {
    this.deadlines?.cancel(this);
    this.dispose();
  }
}

/**
 * One call through a retry policy. It is also the box its idempotency key is made in (only if an
 * attempt reads it), shared by all its attempts.
 */
interface RetryCall<T> extends KeyBox {
  fn: (context: PolicyContext) => T | Promise<T>;
  parent: CallContext;
  /** The budget's count of this request, once it is sent (Redis), else undefined. */
  counted: Promise<void> | undefined;
  /** The caller's key (an enclosing retry's), or this call as the box its own key is made in. */
  keySource: string | KeyBox;
  deadline: RetryDeadline | undefined;
}

/** Reports the end of retrying and hands back the error to throw. */
function giveUp(
  channel: { emit(event: GiveUpEvent): void },
  attempts: number,
  error: unknown,
  reason: GiveUpReason,
): unknown {
  channel.emit({ attempts, error, reason });
  return error;
}

/**
 * Creates a retry policy. Use it with the SDKs' own retries off (`maxRetries: 0`).
 *
 * @example
 * ```ts
 * const openai = new OpenAI({ maxRetries: 0 });
 * const policy = retry({ maxAttempts: 4, deadlineMs: 30_000 });
 * policy.onRetry(({ attempt, delayMs, error }) => log.warn({ attempt, delayMs, error }));
 * const completion = await policy.execute(({ signal }) => openai.chat.completions.create(body, { signal }));
 * ```
 */
export function retry({
  maxAttempts = 3,
  backoff = 'full',
  baseDelayMs = 500,
  maxDelayMs = 30_000,
  deadlineMs,
  maxRetryAfterMs = 60_000,
  budget,
  classify = defaultClassify,
  clock = systemClock,
  random = Math.random,
}: RetryOptions = {}): RetryPolicy {
  assertNumber('maxAttempts', maxAttempts, { integer: true, min: 1 });
  assertNumber('baseDelayMs', baseDelayMs, { min: 0 });
  assertNumber('maxDelayMs', maxDelayMs, { min: 0 });
  assertNumber('maxRetryAfterMs', maxRetryAfterMs, { min: 0 });
  if (deadlineMs !== undefined) assertNumber('deadlineMs', deadlineMs, { min: 1 });
  const retried = createEvent<RetryEvent>();
  const gaveUp = createEvent<GiveUpEvent>();

  const deadlines = deadlineMs === undefined ? undefined : deadlineQueue(clock, deadlineMs);
  if (deadlineMs !== undefined)
    RetryDeadline.kept ??= new RetryDeadline(
      toContext(undefined),
      deadlineMs,
      clock.now(),
      undefined,
    );
  const contextOf = <T>({ parent, keySource, deadline }: RetryCall<T>, attempt: number) =>
    parent.with(deadline, attempt, undefined, keySource);

  /** From a failed attempt on: decide, wait and try again until an attempt succeeds or it gives up. */
  const recover = async <T>(call: RetryCall<T>, firstError: unknown): Promise<T> => {
    const { parent, counted, deadline } = call;
    let error = firstError;
    let previousMs = baseDelayMs;
    try {
      for (let attempt = 1; ; attempt++) {
        if (parent.aborted) throw error;
        if (deadline?.aborted) {
          const timeoutError = new TimeoutError({
            timeoutMs: deadlineMs as number,
            message: `Retry deadline of ${deadlineMs} ms passed during attempt ${attempt}; raise deadlineMs or make the call faster`,
            cause: error,
          });
          throw giveUp(gaveUp, attempt, timeoutError, 'deadline');
        }
        const classification = classify(error);
        if (classification === 'fatal' || classification === 'aborted')
          throw giveUp(gaveUp, attempt, error, 'fatal');
        if (attempt >= maxAttempts) throw giveUp(gaveUp, attempt, error, 'max-attempts');
        const requested = retryAfterMs(error, clock.now());
        if (requested !== undefined && requested > maxRetryAfterMs)
          throw giveUp(gaveUp, attempt, error, 'retry-after-too-long');
        previousMs =
          requested ??
          backoffDelay(backoff, {
            retry: attempt,
            previousMs,
            baseMs: baseDelayMs,
            maxMs: maxDelayMs,
            random,
          });
        if (deadline && clock.now() + previousMs >= deadline.startedAt + deadline.timeoutMs)
          throw giveUp(gaveUp, attempt, error, 'deadline');
        if (counted !== undefined) await counted;
        if (budget && !(await budget.tryRetry())) throw giveUp(gaveUp, attempt, error, 'budget');
        retried.emit({
          attempt,
          delayMs: previousMs,
          error,
          classification,
          serverRequested: requested !== undefined,
        });
        await sleep(previousMs, {
          signal: deadline?.signal ?? (parent.neverAborts ? undefined : parent.signal),
          clock,
        });
        const context = contextOf(call, attempt + 1);
        context.throwIfAborted();
        try {
          return await call.fn(context);
        } catch (next) {
          error = next;
        }
      }
    } finally {
      deadline?.finish();
    }
  };

  return passingContext({
    onRetry: retried.on,
    onGiveUp: gaveUp.on,
    execute<T>(
      fn: (context: PolicyContext) => T | Promise<T>,
      options?: ExecuteOptions,
    ): Promise<T> {
      const parent = toContext(options);
      // A shared budget counts the request while the first attempt runs (no round trip before
      // it); the count is awaited before any retry is asked for. A count that fails is the
      // budget's problem (a Redis budget reports it), never the call's error.
      const counting = budget?.recordRequest();
      const deadline =
        deadlines && new RetryDeadline(parent, deadlineMs as number, clock.now(), deadlines);
      deadline?.deadlines?.add(deadline);
      const call: RetryCall<T> = {
        key: undefined,
        fn,
        parent,
        counted: counting instanceof Promise ? counting.catch(() => {}) : undefined,
        keySource: '',
        deadline,
      };
      call.keySource = parent.idempotencyKey ?? call;
      // The first attempt runs without an async frame; only a failure enters the retry loop.
      let first: T | Promise<T>;
      try {
        const context = contextOf(call, 1);
        context.throwIfAborted();
        first = fn(context);
      } catch (error) {
        first = Promise.reject(error);
      }
      return (Promise.resolve(first) as Promise<T>).then(
        deadline &&
          ((result) => {
            deadline.finish();
            return result;
          }),
        (error: unknown) => recover(call, error),
      );
    },
  });
}
