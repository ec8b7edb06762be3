/**
 * @keel/retrieval/redis: the embedding cache on Redis, shared by every replica. Pass the
 * application's `ioredis` client; Keel opens no connection of its own.
 */
export {
  type CacheSkip,
  createRedisEmbeddingCache,
  type RedisEmbeddingCacheOptions,
} from './redis-embedding-cache';
