/**
 * The rate limiter with its token buckets in Redis, shared by every replica: each decision is
 * one Lua script that refills the buckets by Redis server time, takes or refunds capacity and
 * sets an expiry at which the buckets would be full again, so idle keys vanish.
 */
import { sleep } from '@keel/core';
import { assertNumber, defineRedisScript, REDIS_NOW_MS } from '@keel/core/internal';
import { createEvent } from './event';
import { type Policy, toContext } from './policy';
import { RateLimitExceededError } from './rate-limit-exceeded-error';
import {
  assertRateLimits,
  assertTokenCost,
  type Permit,
  type RateLimiter,
  type RateLimiterOptions,
} from './rate-limiter';
import { type RedisBacked, type RedisStateOptions, redisState } from './redis-state';

/** Options of {@link redisRateLimiter}. */
export interface RedisRateLimiterOptions
  extends Omit<RateLimiterOptions, 'clock'>,
    RedisStateOptions {}

/** A rate limiter whose buckets live in Redis. */
export interface RedisRateLimiter extends RateLimiter, RedisBacked {}

/**
 * Refills both buckets (a hash: `r`, `t`, `at`) to server time. ARGV: requests per minute,
 * tokens per minute (0: that bucket is off). Sets locals `now`, `r`, `t`, `rpm`, `tpm`.
 */
const REFILL = `
${REDIS_NOW_MS}local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'r', 't', 'at')
local elapsed = math.max(0, now - (tonumber(state[3]) or now))
local r = math.min(rpm, (tonumber(state[1]) or rpm) + elapsed * rpm / 60000)
local t = math.min(tpm, (tonumber(state[2]) or tpm) + elapsed * tpm / 60000)
local function save()
  redis.call('HSET', KEYS[1], 'r', tostring(r), 't', tostring(t), 'at', now)
  local full = 0
  if rpm > 0 then full = (rpm - r) * 60000 / rpm end
  if tpm > 0 then full = math.max(full, (tpm - t) * 60000 / tpm) end
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(full)))
end
`;

/** ARGV[3]: tokens. Returns [wait ms (0: taken), requests left, tokens left]. */
const acquireScript = defineRedisScript(
  'rate-limiter.acquire',
  `${REFILL}
local cost = tonumber(ARGV[3])
local wait = 0
if rpm > 0 and r < 1 then wait = (1 - r) * 60000 / rpm end
if tpm > 0 and t < cost then wait = math.max(wait, (cost - t) * 60000 / tpm) end
wait = math.ceil(wait)
if wait == 0 then
  if rpm > 0 then r = r - 1 end
  if tpm > 0 then t = t - cost end
  save()
end
return {wait, tostring(r), tostring(t)}`,
);

/** ARGV[3]: tokens to give back (negative: to charge). Returns [0, requests left, tokens left]. */
const settleScript = defineRedisScript(
  'rate-limiter.settle',
  `${REFILL}
t = math.min(tpm, t + tonumber(ARGV[3]))
save()
return {0, tostring(r), tostring(t)}`,
);

/**
 * Creates a rate limiter shared by every replica that uses the same Redis and `key`. `acquire`
 * and `settle` are one round trip each; a call that has to wait polls again when the buckets
 * will hold it (no FIFO across replicas). `available()` returns what Redis reported at this
 * instance's last `acquire` or `settle` (full buckets before the first).
 *
 * @example
 * ```ts
 * const limiter = redisRateLimiter({ redis, key: `user:${userId}`, requestsPerMinute: 20, tokensPerMinute: 40_000 });
 * const permit = await limiter.acquire({ tokens: estimate }, { signal });
 * const result = await model.generate(request, { signal });
 * await permit.settle(result.usage.inputTokens + result.usage.outputTokens);
 * ```
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const { requestsPerMinute, tokensPerMinute, maxWaitMs = 60_000 } = options;
  assertRateLimits('redisRateLimiter', { requestsPerMinute, tokensPerMinute, maxWaitMs });
  const state = redisState('redisRateLimiter', 'rate', options);
  const { clock } = state;
  const limits = [requestsPerMinute ?? 0, tokensPerMinute ?? 0];
  const rejected = createEvent<{ retryAfterMs: number }>();
  let last = {
    requests: requestsPerMinute ?? Number.POSITIVE_INFINITY,
    tokens: tokensPerMinute ?? Number.POSITIVE_INFINITY,
  };

  /** Runs a script and keeps the capacity it reports; returns the wait (0: taken). */
  const decide = async (script: typeof acquireScript, tokens: number): Promise<number> => {
    const [wait, requests, left] = (await state.run(script, [...limits, tokens])) as [
      number,
      string,
      string,
    ];
    last = {
      requests: requestsPerMinute === undefined ? last.requests : Number(requests),
      tokens: tokensPerMinute === undefined ? last.tokens : Number(left),
    };
    return wait;
  };
  const permit = (cost: number): Permit => {
    let settled = false;
    return {
      async settle(actualTokens) {
        if (settled || tokensPerMinute === undefined) return;
        assertNumber('actualTokens', actualTokens, { min: 0 });
        settled = true;
        try {
          await decide(settleScript, cost - actualTokens);
        } catch (error) {
          // The call already ran: a settle that cannot reach Redis is reported, never thrown.
          state.report(error, true);
        }
      },
    };
  };
  const noPermit: Permit = { settle: () => undefined };

  const limiter: RedisRateLimiter = {
    onReject: rejected.on,
    onUnavailable: state.events.onUnavailable,
    available: () => ({ ...last }),
    async acquire(cost = {}, { signal } = {}) {
      const count = cost.tokens ?? 0;
      assertTokenCost(count, tokensPerMinute);
      const startedAt = clock.now();
      for (;;) {
        signal?.throwIfAborted();
        let wait: number;
        try {
          wait = await decide(acquireScript, count);
        } catch (error) {
          state.unavailable(error);
          return noPermit;
        }
        if (wait === 0) return permit(count);
        const waited = clock.now() - startedAt;
        if (waited + wait > maxWaitMs) {
          rejected.emit({ retryAfterMs: wait });
          throw new RateLimitExceededError({ retryAfterMs: wait, maxWaitMs });
        }
        await sleep(wait, { signal, clock });
      }
    },
    async execute(fn, options) {
      const context = toContext(options);
      await limiter.acquire({}, { signal: context.neverAborts ? undefined : context.signal });
      return fn(context);
    },
  } satisfies RedisRateLimiter & Policy;
  return limiter;
}
