/**
 * The checks every Redis adapter makes on the options they all share, with one wording: the
 * client, the key prefix and the timeout per call.
 */
import { assertDelay } from './assert-delay';
import { describeValue } from './describe-value';
import { InvalidArgumentError } from './invalid-argument-error';
import type { RedisClient } from './shared-state';

/** The options every Redis adapter takes: see {@link assertRedisOptions}. */
export interface RedisOptionsToCheck {
  redis: unknown;
  prefix: unknown;
  timeoutMs: unknown;
}

/**
 * Throws an {@link InvalidArgumentError} naming `caller` unless `redis` is an ioredis client,
 * `prefix` a string and `timeoutMs` a delay above 0.
 *
 * @example
 * ```ts
 * assertRedisOptions('redisRateLimiter', { redis, prefix, timeoutMs });
 * // redisRateLimiter() needs redis: an ioredis client (new Redis(process.env.REDIS_URL)), got undefined
 * ```
 */
export function assertRedisOptions(
  caller: string,
  { redis, prefix, timeoutMs }: RedisOptionsToCheck,
): void {
  const client = redis as Partial<RedisClient> | undefined;
  if (typeof client?.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw new InvalidArgumentError({
      argument: 'redis',
      message: `${caller}() needs redis: an ioredis client (new Redis(process.env.REDIS_URL)), got ${describeValue(redis)}`,
    });
  }
  if (typeof prefix !== 'string') {
    throw new InvalidArgumentError({
      argument: 'prefix',
      message: `${caller}() needs prefix to be a string such as 'keel:' (or leave it out), got ${describeValue(prefix)}`,
    });
  }
  assertDelay('timeoutMs', timeoutMs, { greaterThan: 0 });
}
