/**
 * The app's one Redis client (`REDIS_URL`), for what replicas share there: limits, budgets,
 * the circuit breaker and the caches. It connects on first use, gives up on a command after
 * one retry (each Keel policy adds its own timeout and fail-open or fail-closed rule), and
 * reports a lost connection once per outage instead of throwing.
 */
import type { RedisClient } from '@keel/core';
import { Redis } from 'ioredis';

/**
 * What every Keel policy the app keeps on Redis is given: the client, what every key starts
 * with (`DOCS_CHAT_REDIS_PREFIX`, so deployments can share a server) and the longest wait for
 * one reply. The wait is above Keel's 250 ms default: on an event loop busy with a thousand
 * streams a reply that came in time is read late, and a refusal for that would be wrong.
 */
export interface SharedRedis {
  redis: RedisClient;
  prefix: string;
  timeoutMs: number;
}

/** {@link SharedRedis.timeoutMs}. */
export const REDIS_TIMEOUT_MS = 2_000;

/** How long connecting may take before an attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Creates the client for `url` (not connected until its first command).
 *
 * @example
 * ```ts
 * const redis = openRedis('redis://127.0.0.1:6379', (event, error) => log(event, error.message));
 * await redis.ping();
 * await closeRedis(redis);
 * ```
 */
export function openRedis(url: string, onWarning: (event: string, error: Error) => void): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    onWarning('redis-unavailable', error);
  });
  redis.on('ready', () => {
    down = false;
  });
  return redis;
}

/**
 * Closes `redis`: QUIT when it is connected (what was sent is answered first), else drops it;
 * resolves once the connection is closed.
 *
 * @example
 * ```ts
 * await closeRedis(redis);
 * ```
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise((resolve) => redis.once('end', resolve));
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
  await ended;
}
