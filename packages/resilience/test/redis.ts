/**
 * What the Redis-backed policies' tests share: two clients on the test Redis standing for two
 * replicas, a key prefix of their own (tests of several packages share one Redis), a client of a
 * Redis that is down and one of a Redis that never answers.
 */
import type { RedisClient } from '@keel/core';
import { stateEngineUrl } from '@keel/testing';
import { Redis } from 'ioredis';

export const redisUrl = stateEngineUrl('REDIS_URL');

/** Calls `check` until it stops throwing (Redis server time has to pass, not ours). */
export async function eventually(check: () => Promise<void> | void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await check();
    } catch (error) {
      if (attempt >= 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** A Redis that is down: nothing listens on port 1, and no command is queued or retried. */
export function unreachableRedis(): Redis {
  const redis = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // the refused connection; every command rejects with it
  return redis;
}

/** A Redis whose commands never answer (a stuck server or a network partition). */
export const silentRedis: RedisClient = {
  evalsha: () => new Promise(() => {}),
  eval: () => new Promise(() => {}),
};

/** Two clients of the test Redis and a fresh prefix; `close` deletes the prefix's keys. */
export function redisReplicas(area: string) {
  const prefix = `keel-test:resilience:${area}:${crypto.randomUUID()}:`;
  const first = new Redis(redisUrl as string);
  const second = new Redis(redisUrl as string);
  return {
    prefix,
    first,
    second,
    async close() {
      const keys = await first.keys(`${prefix}*`);
      if (keys.length > 0) await first.del(...keys);
      first.disconnect();
      second.disconnect();
    },
  };
}

/** An error the default classifier counts as a provider failure. */
export const providerDown = (): Error =>
  Object.assign(new Error('503 overloaded'), { status: 503 });
