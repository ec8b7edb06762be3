/**
 * @keel/llm/redis: the response cache on Redis, shared by every replica. Pass the application's
 * `ioredis` client; Keel opens no connection of its own.
 */
export { type CacheSkip, createRedisCache, type RedisCacheOptions } from './redis-cache';
