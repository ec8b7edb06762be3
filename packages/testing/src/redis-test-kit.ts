/**
 * What tests of Redis adapters share: clients of the test Redis with key prefixes of their own
 * (tests of several packages run against one Redis at once) and their clean-up, a Redis whose
 * commands never answer, a round-trip counter, and a poll for outcomes that wait on Redis
 * server time.
 */
import type { RedisClient } from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';

/** A test Redis client Keel can run scripts on and the kit can close (an ioredis `Redis`). */
export type RedisTestClient = RedisClient & { disconnect(): void };

/** Clients and prefixes for one test file; see {@link redisTestKit}. */
export interface RedisTestKit<Client extends RedisTestClient> {
  /** A new client of the test Redis (a replica's), closed by `close`. */
  client(): Client;
  /** A new key prefix no other test uses, `keel-test:<area>:<random>:`; `close` deletes its keys. */
  prefix(): string;
  /** The keys under `prefix` (one script on the kit's first client). */
  keys(prefix: string): Promise<string[]>;
  /** Deletes the keys under every prefix handed out, then closes every client. */
  close(): Promise<void>;
}

/** Deletes the keys matching ARGV[1] (one test's prefix, never a shared key). */
const DELETE_MATCHING =
  "local keys = redis.call('KEYS', ARGV[1]) for _, key in ipairs(keys) do redis.call('DEL', key) end return #keys";

/** The keys matching ARGV[1]. */
const LIST_MATCHING = "return redis.call('KEYS', ARGV[1])";

/**
 * Hands out clients of the test Redis and fresh key prefixes, and cleans both up in `close`
 * (call it in `afterAll`). `connect` opens a client: the kit itself depends on no driver.
 *
 * @example
 * ```ts
 * const url = stateEngineUrl('REDIS_URL');
 * describe.skipIf(!url)('my Redis cache', () => {
 *   const kit = redisTestKit('llm', () => new Redis(url as string));
 *   afterAll(() => kit.close());
 *   it('shares answers', async () => {
 *     const prefix = kit.prefix();
 *     const cache = createRedisCache({ redis: kit.client(), prefix });
 *     expect(await kit.keys(prefix)).toHaveLength(0);
 *   });
 * });
 * ```
 */
export function redisTestKit<Client extends RedisTestClient>(
  area: string,
  connect: () => Client,
): RedisTestKit<Client> {
  const clients: Client[] = [];
  const prefixes: string[] = [];
  const client = () => {
    const opened = connect();
    clients.push(opened);
    return opened;
  };
  const first = () => clients[0] ?? client();
  return {
    client,
    async keys(prefix) {
      return (await first().eval(LIST_MATCHING, 0, `${prefix}*`)) as string[];
    },
    prefix() {
      const prefix = `keel-test:${area}:${crypto.randomUUID()}:`;
      prefixes.push(prefix);
      return prefix;
    },
    async close() {
      if (prefixes.length > 0) {
        const cleaner = first();
        for (const prefix of prefixes) await cleaner.eval(DELETE_MATCHING, 0, `${prefix}*`);
      }
      for (const opened of clients) opened.disconnect();
    },
  };
}

/**
 * ioredis options of a Redis that is down: nothing listens on port 1, and no command is queued
 * or retried, so each fails at once (`new Redis(UNREACHABLE_REDIS)`; add an `error` listener).
 */
export const UNREACHABLE_REDIS = {
  host: '127.0.0.1',
  port: 1,
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
} as const;

/**
 * ioredis options of a Redis that never answers: the client keeps trying to connect to port 1
 * and queues every command meanwhile, as it does through a network partition.
 */
export const STUCK_REDIS = {
  host: '127.0.0.1',
  port: 1,
  retryStrategy: () => 1_000,
} as const;

/**
 * A Redis client whose commands never answer (a stuck server or a network partition), to test
 * that an adapter times out instead of hanging.
 *
 * @example
 * ```ts
 * const limiter = redisRateLimiter({ redis: silentRedis(), key: 'k', timeoutMs: 20, ... });
 * ```
 */
export function silentRedis(): RedisClient {
  return {
    evalsha: () => new Promise(() => {}),
    eval: () => new Promise(() => {}),
  };
}

/**
 * Wraps a client to count its round trips (`calls`, each EVALSHA or EVAL).
 *
 * @example
 * ```ts
 * const redis = countRedisCalls(kit.client());
 * await cache.get(key);
 * expect(redis.calls).toBe(1);
 * ```
 */
export function countRedisCalls(client: RedisClient): RedisClient & { calls: number } {
  const counted = {
    calls: 0,
    evalsha: (...args: Parameters<RedisClient['evalsha']>) => {
      counted.calls++;
      return client.evalsha(...args);
    },
    eval: (...args: Parameters<RedisClient['eval']>) => {
      counted.calls++;
      return client.eval(...args);
    },
  };
  return counted;
}

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Tries before the last error is thrown; default 200. */
  attempts?: number;
  /** Wait between tries; default 25 ms. */
  intervalMs?: number;
}

/**
 * Calls `check` until it stops throwing, for outcomes that wait on another clock (Redis server
 * time, a TTL) rather than the test's; rethrows the last error after `attempts` tries.
 *
 * @example
 * ```ts
 * await eventually(async () => expect(await redis.exists(key)).toBe(0));
 * ```
 */
export async function eventually(
  check: () => Promise<void> | void,
  { attempts = 200, intervalMs = 25 }: EventuallyOptions = {},
): Promise<void> {
  assertNumber('attempts', attempts, { integer: true, min: 1 });
  assertDelay('intervalMs', intervalMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await check();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
