/**
 * Strings kept in Redis with a time to live and a size cap per value, read and written in
 * batches of one round trip each: the storage under Keel's Redis caches (LLM answers,
 * embeddings). A cache must never fail or slow the call it serves, so a Redis that fails or
 * does not answer in time is a miss (reads) or a skipped write, reported through `onError`.
 */
import { assertNumber } from './assert-number';
import { assertRedisOptions } from './assert-redis-options';
import type { Clock } from './clock';
import { defineRedisScript } from './redis-script';
import type { RedisClient } from './shared-state';
import type { SharedStateUnavailableError } from './shared-state-unavailable-error';

/** Why a value was not stored or not served. */
export type RedisValueSkipReason = 'too-large' | 'corrupt';

/** A value {@link RedisValueStore} did not store (`too-large`) or did not serve (`corrupt`). */
export interface RedisValueSkip {
  reason: RedisValueSkipReason;
  /** The Redis key, prefix included. */
  key: string;
  /** Size of the value in bytes (UTF-8). */
  bytes: number;
}

/** The options every Redis cache shares; each cache sets its own defaults ({@link RedisValueStoreDefaults}). */
export interface RedisValueStoreOptions {
  /**
   * The application's `ioredis` client. A batch is one script over its keys: a Cluster takes
   * batches of one key only (keys of a batch may sit in different slots).
   */
  redis: RedisClient;
  /** Prepended to every key, before the cache's own name (`llm:`, `embedding:`); default `'keel:'`. */
  prefix?: string;
  /** How long a value lives in Redis (server time, `PX`). */
  ttlMs?: number;
  /** Values larger than this many bytes are not stored (`onSkip` hears of each one). */
  maxValueBytes?: number;
  /** Longest wait for Redis per read or write; past it the read is a miss. Default 250 ms. */
  timeoutMs?: number;
  /**
   * Hears of each value not stored because it is larger than `maxValueBytes` (`too-large`) and
   * of each stored value not served because it could not be read back (`corrupt`).
   */
  onSkip?: (skip: RedisValueSkip) => void;
  /** Hears of each Redis failure or timeout (the read was then a miss, the write skipped). */
  onError?: (error: SharedStateUnavailableError) => void;
  clock?: Clock;
}

/** What a cache built on {@link createRedisValueStore} sets for itself. */
export interface RedisValueStoreDefaults {
  /** The function the application called, named in errors (`'createRedisCache'`). */
  caller: string;
  /** The cache's name in its keys, after the prefix (`'llm'` gives `keel:llm:<id>`). */
  area: string;
  ttlMs: number;
  maxValueBytes: number;
}

/** Strings by key in Redis; see {@link createRedisValueStore}. */
export interface RedisValueStore {
  /** The Redis key of `id` (the prefix, the cache's area, then the id). */
  keyOf(id: string): string;
  /** The values of `ids` in one round trip; `undefined` for a miss or when Redis failed. */
  getMany(ids: readonly string[]): Promise<Array<string | undefined>>;
  /** Stores values in one round trip, each with the TTL; values past the size cap are skipped. */
  setMany(entries: ReadonlyArray<readonly [id: string, value: string]>): Promise<void>;
  /** Reports a value that was read but could not be decoded (the caller treats it as a miss). */
  reportCorrupt(id: string, value: string): void;
}

const getManyScript = defineRedisScript(
  'cache.get',
  "local values = {} for i, key in ipairs(KEYS) do values[i] = redis.call('GET', key) end return values",
);

const setManyScript = defineRedisScript(
  'cache.set',
  "for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1]) end return #KEYS",
);

const encoder = new TextEncoder();

function report<T>(hook: ((value: T) => void) | undefined, value: T): void {
  try {
    hook?.(value);
  } catch {
    // A listener never breaks the cache.
  }
}

/**
 * Opens a store over the application's Redis client. Used by `@keel/llm/redis` and
 * `@keel/retrieval/redis`; applications use those.
 *
 * @example
 * ```ts
 * const store = createRedisValueStore(
 *   { redis },
 *   { caller: 'createRedisCache', area: 'llm', ttlMs: 3_600_000, maxValueBytes: 1_048_576 },
 * );
 * await store.setMany([['answer-1', '{"text":"hi"}']]);
 * const [value] = await store.getMany(['answer-1']);
 * ```
 */
export function createRedisValueStore(
  options: RedisValueStoreOptions,
  defaults: RedisValueStoreDefaults,
): RedisValueStore {
  const {
    redis,
    prefix = 'keel:',
    ttlMs = defaults.ttlMs,
    maxValueBytes = defaults.maxValueBytes,
    timeoutMs = 250,
    onSkip,
    onError,
    clock,
  } = options;
  assertRedisOptions(defaults.caller, { redis, prefix, timeoutMs });
  assertNumber('ttlMs', ttlMs, { integer: true, min: 1, unit: 'milliseconds' });
  assertNumber('maxValueBytes', maxValueBytes, { integer: true, min: 1 });
  const run = { timeoutMs, ...(clock !== undefined && { clock }) };
  const keyOf = (id: string) => `${prefix}${defaults.area}:${id}`;
  const failed = (error: unknown) => report(onError, error as SharedStateUnavailableError);

  return {
    keyOf,
    async getMany(ids) {
      if (ids.length === 0) return [];
      try {
        const values = (await getManyScript.run(redis, ids.map(keyOf), [], run)) as unknown[];
        return ids.map((_, i) => {
          const value = values[i];
          return typeof value === 'string' ? value : undefined;
        });
      } catch (error) {
        failed(error);
        return ids.map(() => undefined);
      }
    },
    async setMany(entries) {
      const kept = entries.filter(([id, value]) => {
        const bytes = encoder.encode(value).length;
        if (bytes <= maxValueBytes) return true;
        report(onSkip, { reason: 'too-large', key: keyOf(id), bytes });
        return false;
      });
      if (kept.length === 0) return;
      try {
        await setManyScript.run(
          redis,
          kept.map(([id]) => keyOf(id)),
          [ttlMs, ...kept.map(([, value]) => value)],
          run,
        );
      } catch (error) {
        failed(error);
      }
    },
    reportCorrupt(id, value) {
      report(onSkip, { reason: 'corrupt', key: keyOf(id), bytes: encoder.encode(value).length });
    },
  };
}
