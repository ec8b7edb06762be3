/**
 * Requests and tokens per minute as token buckets. `acquire` takes an estimate before a call
 * (waiting in FIFO order when the buckets are short), `settle` corrects it with the real count.
 */
import { type Clock, InvalidArgumentError, systemClock } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { createEvent, type Subscribe } from './event';
import { type Policy, toContext } from './policy';
import { RateLimitExceededError } from './rate-limit-exceeded-error';

/** Options of {@link rateLimiter}. */
export interface RateLimiterOptions {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Longest a call may wait for capacity before `RateLimitExceededError`; default 60 s. */
  maxWaitMs?: number;
  clock?: Clock;
}

/** Capacity taken by `acquire`; settle it once the real token count is known. */
export interface Permit {
  /**
   * Replaces the estimated tokens with the real count, refunding or charging the difference.
   * The in-process limiter settles at once; a shared one (`@keel/resilience/redis`) returns a
   * promise of its round trip, which never rejects.
   */
  settle(actualTokens: number): void | Promise<void>;
}

/** A rate limiter. */
export interface RateLimiter extends Policy {
  /** Waits for one request and `tokens` of capacity. */
  acquire(cost?: { tokens?: number }, options?: { signal?: AbortSignal }): Promise<Permit>;
  /** Capacity available now. */
  available(): { requests: number; tokens: number };
  onReject: Subscribe<{ retryAfterMs: number }>;
}

/**
 * Checks the limits passed to `caller` (`'rateLimiter'`, `'redisRateLimiter'`): each per-minute
 * limit a positive number, at least one of them set, and `maxWaitMs` >= 0.
 */
export function assertRateLimits(
  caller: string,
  {
    requestsPerMinute,
    tokensPerMinute,
    maxWaitMs,
  }: Pick<RateLimiterOptions, 'requestsPerMinute' | 'tokensPerMinute' | 'maxWaitMs'>,
): void {
  assertNumber('maxWaitMs', maxWaitMs, { min: 0, allowInfinity: true, unit: 'milliseconds' });
  if (requestsPerMinute !== undefined)
    assertNumber('requestsPerMinute', requestsPerMinute, { greaterThan: 0 });
  if (tokensPerMinute !== undefined)
    assertNumber('tokensPerMinute', tokensPerMinute, { greaterThan: 0 });
  if (requestsPerMinute === undefined && tokensPerMinute === undefined) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: `${caller}() needs requestsPerMinute, tokensPerMinute or both`,
    });
  }
}

/** Checks a call's token estimate: a number >= 0 that the token bucket can ever hold. */
export function assertTokenCost(cost: number, tokensPerMinute: number | undefined): void {
  assertNumber('tokens', cost, { min: 0 });
  if (tokensPerMinute !== undefined && cost > tokensPerMinute) {
    throw new InvalidArgumentError({
      argument: 'tokens',
      message: `A call of ${cost} tokens can never fit tokensPerMinute ${tokensPerMinute}; split the call or raise the limit`,
    });
  }
}

interface Bucket {
  capacity: number;
  level: number;
  perMs: number;
}

interface Waiter {
  tokens: number;
  resolve(permit: Permit): void;
  cleanup(): void;
}

/**
 * Creates a rate limiter. Buckets start full and refill continuously.
 *
 * @example
 * ```ts
 * const limiter = rateLimiter({ requestsPerMinute: 500, tokensPerMinute: 200_000 });
 * const permit = await limiter.acquire({ tokens: countTokens(prompt) + maxTokens }, { signal });
 * const result = await model.generate(request, { signal });
 * permit.settle(result.usage.inputTokens + result.usage.outputTokens);
 * ```
 */
export function rateLimiter({
  requestsPerMinute,
  tokensPerMinute,
  maxWaitMs = 60_000,
  clock = systemClock,
}: RateLimiterOptions): RateLimiter {
  assertRateLimits('rateLimiter', { requestsPerMinute, tokensPerMinute, maxWaitMs });
  const bucket = (perMinute: number | undefined): Bucket | undefined =>
    perMinute === undefined
      ? undefined
      : { capacity: perMinute, level: perMinute, perMs: perMinute / 60_000 };
  const requests = bucket(requestsPerMinute);
  const tokens = bucket(tokensPerMinute);
  const rejected = createEvent<{ retryAfterMs: number }>();
  const waiters: Waiter[] = [];
  let updatedAt = clock.now();
  let timer: unknown;

  const refill = () => {
    const now = clock.now();
    const elapsed = now - updatedAt;
    updatedAt = now;
    for (const b of [requests, tokens])
      if (b) b.level = Math.min(b.capacity, b.level + elapsed * b.perMs);
  };
  /** Milliseconds until the buckets hold `requestCount` requests and `tokenCount` tokens (0: now). */
  const waitFor = (tokenCount: number, requestCount = 1) => {
    let wait = 0;
    if (requests && requests.level < requestCount)
      wait = (requestCount - requests.level) / requests.perMs;
    if (tokens && tokens.level < tokenCount)
      wait = Math.max(wait, (tokenCount - tokens.level) / tokens.perMs);
    return Math.ceil(wait);
  };
  const take = (cost: number): Permit => {
    if (requests) requests.level -= 1;
    if (tokens) tokens.level -= cost;
    let settled = false;
    return {
      settle(actualTokens) {
        if (settled || !tokens) return;
        assertNumber('actualTokens', actualTokens, { min: 0 });
        settled = true;
        refill();
        tokens.level = Math.min(tokens.capacity, tokens.level + cost - actualTokens);
        drain();
      },
    };
  };
  const drain = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    refill();
    while (waiters.length > 0) {
      const next = waiters[0] as Waiter;
      const wait = waitFor(next.tokens);
      if (wait > 0) {
        timer = clock.setTimeout(drain, wait);
        return;
      }
      waiters.shift();
      next.cleanup();
      next.resolve(take(next.tokens));
    }
  };

  const limiter: RateLimiter = {
    onReject: rejected.on,
    available() {
      refill();
      return {
        requests: requests?.level ?? Number.POSITIVE_INFINITY,
        tokens: tokens?.level ?? Number.POSITIVE_INFINITY,
      };
    },
    async acquire(cost = {}, { signal } = {}) {
      const count = cost.tokens ?? 0;
      assertTokenCost(count, tokensPerMinute);
      signal?.throwIfAborted();
      refill();
      // Waiters go first: a newcomer never overtakes the queue, so it waits for their share too.
      const ahead = waiters.reduce((sum, w) => sum + w.tokens, 0);
      const wait = waitFor(count + ahead, waiters.length + 1);
      if (wait === 0) return take(count);
      if (wait > maxWaitMs) {
        rejected.emit({ retryAfterMs: wait });
        throw new RateLimitExceededError({ retryAfterMs: wait, maxWaitMs });
      }
      return new Promise<Permit>((resolve, reject) => {
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(signal?.reason);
          drain();
        };
        const waiter: Waiter = {
          tokens: count,
          resolve,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
        if (waiters.length === 1) drain();
      });
    },
    async execute(fn, options) {
      const context = toContext(options);
      await limiter.acquire({}, { signal: context.neverAborts ? undefined : context.signal });
      return fn(context);
    },
  };
  return limiter;
}
