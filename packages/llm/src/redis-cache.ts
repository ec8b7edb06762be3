/**
 * The response cache on Redis: answers of `generate` shared by every replica, each with a time
 * to live and a size cap. A Redis that fails or does not answer in `timeoutMs` is a miss, and an
 * answer that cannot be read back (another program's value, a truncated write) is a miss too.
 */
import {
  createRedisValueStore,
  type RedisValueSkip,
  type RedisValueStoreOptions,
} from '@keel/core/internal';
import type { ResponseCache } from './response-cache';
import type { LlmGenerateResult } from './types';

/** An answer not stored (`too-large`) or a stored value not served (`corrupt`): `reason`, `key`, `bytes`. */
export type CacheSkip = RedisValueSkip;

/**
 * Options of {@link createRedisCache}: the client, and optionally `prefix` (default `'keel:'`,
 * keys are `<prefix>llm:<hash>`), `timeoutMs` (default 250), `onSkip`, `onError` and `clock`.
 */
export interface RedisCacheOptions extends RedisValueStoreOptions {
  /** How long an answer stays in Redis; default one hour. */
  ttlMs?: number;
  /** Answers whose JSON is larger are not stored (`onSkip` hears of each); default 1 MiB. */
  maxValueBytes?: number;
}

/** A stored value that has the shape of an answer, or `undefined`. */
function parseAnswer(value: string): LlmGenerateResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const answer = parsed as Partial<LlmGenerateResult>;
  return typeof answer.text === 'string' &&
    Array.isArray(answer.toolCalls) &&
    typeof answer.finishReason === 'string' &&
    typeof answer.provider === 'string' &&
    typeof answer.modelId === 'string'
    ? (answer as LlmGenerateResult)
    : undefined;
}

/**
 * A {@link ResponseCache} on Redis, shared by every replica of an application: one round trip
 * per lookup and one per stored answer.
 *
 * @throws InvalidArgumentError for a missing client or an out-of-range number.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createOpenAIModel } from '@keel/llm';
 * import { createRedisCache } from '@keel/llm/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL);
 * const cache = createRedisCache({ redis, ttlMs: 3_600_000 });
 * const model = createOpenAIModel({ model: 'gpt-4o-mini', cache });
 * ```
 */
export function createRedisCache(options: RedisCacheOptions): ResponseCache {
  const store = createRedisValueStore(options, {
    caller: 'createRedisCache',
    area: 'llm',
    ttlMs: 3_600_000,
    maxValueBytes: 1_048_576,
  });
  return {
    async get(key) {
      const [value] = await store.getMany([key]);
      if (value === undefined) return undefined;
      const answer = parseAnswer(value);
      if (answer === undefined) store.reportCorrupt(key, value);
      return answer;
    },
    async set(key, result) {
      await store.setMany([[key, JSON.stringify(result)]]);
    },
  };
}
