/**
 * The concurrency limit across replicas: a slot is a lease, one member of a Redis sorted set
 * scored by its expiry in server time. The holder renews its lease while its call runs; a dead
 * holder's lease expires after `leaseTtlMs`, so a killed process frees its slot by itself.
 * Calls that find every slot taken wait in this process's FIFO queue, whose head polls Redis
 * and is woken at once when a call of this process ends.
 */
import { sleep } from '@keel/core';
import { assertDelay, defineRedisScript, REDIS_NOW_MS } from '@keel/core/internal';
import {
  type ConcurrencyLimit,
  type ConcurrencyLimitOptions,
  concurrencyRules,
} from './concurrency-limit';
import { type CallContext, type PolicyContext, toContext } from './policy';
import { type RedisBacked, type RedisStateOptions, redisState } from './redis-state';

/** Options of {@link redisConcurrencyLimit}. */
export interface RedisConcurrencyLimitOptions
  extends Omit<ConcurrencyLimitOptions, 'clock'>,
    RedisStateOptions {
  /** How long a lease outlives its last renewal (renewed every third of it); default 10 s. */
  leaseTtlMs?: number;
  /** How often the head of this process's queue asks Redis for a slot; default 50 ms. */
  pollIntervalMs?: number;
}

/** A concurrency limit whose slots are leases in Redis. */
export interface RedisConcurrencyLimit extends ConcurrencyLimit, RedisBacked {}

/** ARGV: max, ttl, lease id. Returns 1 when the lease was taken. */
const acquireScript = defineRedisScript(
  'concurrency-limit.acquire',
  `${REDIS_NOW_MS}redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
);

/** ARGV: ttl, lease id. Pushes the lease's expiry out; returns 0 when it had already expired. */
const renewScript = defineRedisScript(
  'concurrency-limit.renew',
  `${REDIS_NOW_MS}local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not score or tonumber(score) <= now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
);

/** ARGV: lease id. */
const releaseScript = defineRedisScript(
  'concurrency-limit.release',
  `return redis.call('ZREM', KEYS[1], ARGV[1])`,
);

interface Waiter {
  /** Starts the call holding `lease` (undefined: run without one, Redis being unavailable). */
  start(lease: string | undefined): void;
  fail(error: unknown): void;
  done: boolean;
}

/**
 * Creates a concurrency limit shared by every replica that uses the same Redis and `key`: at
 * most `maxConcurrent` calls hold a lease at once. `maxQueue` and `queueTimeoutMs` apply to
 * this process's waiting calls; `active` and `queued` count this process's calls.
 *
 * @example
 * ```ts
 * const limit = redisConcurrencyLimit({ redis, key: 'openai:gpt-4o', maxConcurrent: 50, leaseTtlMs: 10_000 });
 * const answer = await limit.execute(({ signal }) => openai.chat.completions.create(body, { signal }));
 * ```
 */
export function redisConcurrencyLimit(
  options: RedisConcurrencyLimitOptions,
): RedisConcurrencyLimit {
  const { maxConcurrent, queueTimeoutMs, leaseTtlMs = 10_000, pollIntervalMs = 50 } = options;
  const { maxQueue, onReject, refuse } = concurrencyRules(options);
  assertDelay('leaseTtlMs', leaseTtlMs, { integer: true, min: 30 });
  assertDelay('pollIntervalMs', pollIntervalMs, { greaterThan: 0 });
  const state = redisState('redisConcurrencyLimit', 'concurrency', options);
  const { clock } = state;
  const waiters: Waiter[] = [];
  let active = 0;
  let pumping = false;
  let wake: AbortController | undefined;

  /** Takes a lease: its id, `false` when every slot is held, undefined when failing open. */
  const take = async (): Promise<string | false | undefined> => {
    const lease = globalThis.crypto.randomUUID();
    try {
      const taken = await state.run(acquireScript, [maxConcurrent, leaseTtlMs, lease]);
      return taken === 1 ? lease : false;
    } catch (error) {
      state.unavailable(error);
      return undefined;
    }
  };
  /** Frees a lease; a release that cannot reach Redis is reported and expires with the TTL. */
  const release = (lease: string): Promise<unknown> =>
    state.run(releaseScript, [lease]).catch((error: unknown) => state.report(error, true));
  /** Runs `fn` holding `lease`, renewing it every third of its TTL, and frees it after. */
  const hold = async <T>(
    lease: string | undefined,
    fn: (context: PolicyContext) => T | Promise<T>,
    context: CallContext,
  ): Promise<T> => {
    active++;
    let timer: unknown;
    const renew = () => {
      timer = clock.setTimeout(() => {
        state
          .run(renewScript, [leaseTtlMs, lease as string])
          .catch((error: unknown) => state.report(error, true));
        renew();
      }, leaseTtlMs / 3);
    };
    if (lease !== undefined) renew();
    try {
      return await fn(context);
    } finally {
      clock.clearTimeout(timer);
      active--;
      if (lease !== undefined) await release(lease);
      wake?.abort();
    }
  };
  /** Serves the queue in order: its head asks Redis for a lease until it gets one or leaves. */
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        // Waiters that left (abort, queue timeout) are skipped, before and after asking Redis.
        while (waiters[0]?.done) waiters.shift();
        if (waiters.length === 0) return;
        let lease: string | false | undefined;
        try {
          lease = await take();
        } catch (error) {
          for (const waiter of waiters.splice(0)) waiter.fail(error);
          return;
        }
        while (waiters[0]?.done) waiters.shift();
        const next = waiters.shift();
        if (next && lease !== false) {
          next.start(lease);
        } else if (next) {
          waiters.unshift(next);
          wake = new AbortController();
          await sleep(pollIntervalMs, { signal: wake.signal, clock }).catch(() => undefined);
          wake = undefined;
        } else if (lease) {
          await release(lease);
        }
      }
    } finally {
      pumping = false;
    }
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiters.filter((waiter) => !waiter.done).length;
    },
    onReject,
    onUnavailable: state.events.onUnavailable,
    async execute<T>(
      fn: (context: PolicyContext) => T | Promise<T>,
      executeOptions?: Partial<PolicyContext>,
    ): Promise<T> {
      const context = toContext(executeOptions);
      context.throwIfAborted();
      if (waiters.length === 0) {
        const lease = await take();
        if (lease !== false) return hold(lease, fn, context);
      }
      if (waiters.filter((waiter) => !waiter.done).length >= maxQueue) throw refuse('queue-full');
      return new Promise<T>((resolve, reject) => {
        let timer: unknown;
        const onAbort = () => leave(context.signal.reason);
        const dequeue = () => {
          waiter.done = true;
          clock.clearTimeout(timer);
          if (!context.neverAborts) context.signal.removeEventListener('abort', onAbort);
        };
        const leave = (error: unknown) => {
          if (waiter.done) return;
          dequeue();
          reject(error);
        };
        const waiter: Waiter = {
          done: false,
          start(lease) {
            dequeue();
            hold(lease, fn, context).then(resolve, reject);
          },
          fail: leave,
        };
        if (!context.neverAborts) context.signal.addEventListener('abort', onAbort, { once: true });
        if (queueTimeoutMs !== undefined)
          timer = clock.setTimeout(() => leave(refuse('queue-timeout')), queueTimeoutMs);
        waiters.push(waiter);
        pump();
      });
    },
  };
}
