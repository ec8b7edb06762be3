/**
 * What the Redis-backed policies' tests share besides @keel/testing's Redis kit: two clients on
 * the test Redis standing for two replicas under a prefix of their own, and a client of a Redis
 * that is down.
 */
import { redisTestKit, stateEngineUrl, UNREACHABLE_REDIS } from '@keel/testing';
import { Redis } from 'ioredis';

export { eventually, silentRedis } from '@keel/testing';

export const redisUrl = stateEngineUrl('REDIS_URL');

/** A Redis that is down: nothing listens on port 1, and no command is queued or retried. */
export function unreachableRedis(): Redis {
  const redis = new Redis(UNREACHABLE_REDIS);
  redis.on('error', () => {}); // the refused connection; every command rejects with it
  return redis;
}

/**
 * Two clients of the test Redis, a fresh prefix and the `timeoutMs` for policies on them;
 * `close` deletes the prefix's keys. The timeout is 2 s, not the 250 ms default: on a loaded
 * machine a reply can take longer, and a policy would count it as Redis being unavailable.
 */
export function redisReplicas(area: string) {
  const kit = redisTestKit(`resilience:${area}`, () => new Redis(redisUrl as string));
  return {
    prefix: kit.prefix(),
    timeoutMs: 2_000,
    first: kit.client(),
    second: kit.client(),
    close: kit.close,
  };
}

/** An error the default classifier counts as a provider failure. */
export const providerDown = (): Error =>
  Object.assign(new Error('503 overloaded'), { status: 503 });
