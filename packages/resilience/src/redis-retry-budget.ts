/**
 * The retry budget shared by every replica: the same sliding window of per-second slots as the
 * in-process budget, kept in one Redis hash (fields `s<i>`, `q<i>`, `r<i>`: the second a slot
 * holds, its requests, its retries), counted by server time and expiring when idle.
 */
import { defineRedisScript } from '@keel/core/internal';
import { type RedisBacked, type RedisStateOptions, redisState } from './redis-state';
import {
  budgetSlots,
  type RetryBudget,
  type RetryBudgetOptions,
  type RetryBudgetSnapshot,
} from './retry-budget';

/** Options of {@link redisRetryBudget}. */
export interface RedisRetryBudgetOptions
  extends Omit<RetryBudgetOptions, 'clock'>,
    RedisStateOptions {}

/** A retry budget whose window lives in Redis; every method is one round trip. */
export interface RedisRetryBudget extends RetryBudget, RedisBacked {
  recordRequest(): Promise<void>;
  tryRetry(): Promise<boolean>;
  snapshot(): Promise<RetryBudgetSnapshot>;
}

/**
 * ARGV: operation (request, retry, snapshot), slots, ratio, minRetriesPerSecond. Returns
 * [requests, retries, allowed, taken (1/0)].
 */
const budgetScript = defineRedisScript(
  'retry-budget',
  `local time = redis.call('TIME')
local second = tonumber(time[1])
local operation, slots = ARGV[1], tonumber(ARGV[2])
local index = second % slots
if operation ~= 'snapshot' and tonumber(redis.call('HGET', KEYS[1], 's' .. index)) ~= second then
  redis.call('HSET', KEYS[1], 's' .. index, second, 'q' .. index, 0, 'r' .. index, 0)
end
if operation == 'request' then
  redis.call('HINCRBY', KEYS[1], 'q' .. index, 1)
  redis.call('EXPIRE', KEYS[1], slots + 1)
  return {0, 0, 0, 0}
end
local requests, retries = 0, 0
for i = 0, slots - 1 do
  local slot = redis.call('HMGET', KEYS[1], 's' .. i, 'q' .. i, 'r' .. i)
  if slot[1] and tonumber(slot[1]) > second - slots then
    requests = requests + tonumber(slot[2])
    retries = retries + tonumber(slot[3])
  end
end
local allowed = math.floor(requests * tonumber(ARGV[3]) + tonumber(ARGV[4]) * slots)
if operation == 'snapshot' or retries >= allowed then return {requests, retries, allowed, 0} end
redis.call('HINCRBY', KEYS[1], 'r' .. index, 1)
redis.call('EXPIRE', KEYS[1], slots + 1)
return {requests, retries + 1, allowed, 1}`,
);

/**
 * Creates a retry budget shared by every replica that uses the same Redis and `key`; pass it to
 * `retry({ budget })`, which awaits it. When Redis is unavailable the call itself never fails
 * because of the budget: `fail-open` (the default) allows the retry, `fail-closed` denies it (the
 * call gives up with its own error); a request that cannot be counted is only reported.
 * `snapshot()` rejects with `SharedStateUnavailableError`.
 *
 * @example
 * ```ts
 * const budget = redisRetryBudget({ redis, key: 'openai', ratio: 0.1 });
 * const model = createOpenAIModel({ model: 'gpt-4o', retry: { maxAttempts: 3, budget } });
 * ```
 */
export function redisRetryBudget(options: RedisRetryBudgetOptions): RedisRetryBudget {
  const { ratio = 0.1, minRetriesPerSecond = 1, windowMs = 10_000 } = options;
  const slots = budgetSlots({ ratio, minRetriesPerSecond, windowMs });
  const state = redisState('redisRetryBudget', 'retry-budget', options);
  const call = async (operation: 'request' | 'retry' | 'snapshot') => {
    const [requests, retries, allowed, taken] = (await state.run(budgetScript, [
      operation,
      slots,
      ratio,
      minRetriesPerSecond,
    ])) as [number, number, number, number];
    return { snapshot: { requests, retries, allowed }, taken: taken === 1 };
  };
  return {
    onUnavailable: state.events.onUnavailable,
    async recordRequest() {
      await call('request').catch((error: unknown) => state.report(error, true));
    },
    async tryRetry() {
      try {
        return (await call('retry')).taken;
      } catch (error) {
        state.report(error, state.failOpen);
        return state.failOpen;
      }
    },
    snapshot: async () => (await call('snapshot')).snapshot,
  };
}
