/**
 * @keel/resilience/redis: the rate limiter, concurrency limit, circuit breaker and retry budget
 * with their state in Redis, shared by every replica. Same interfaces as the in-process
 * policies, so swapping is one line; the application passes its own ioredis client.
 */
export {
  type RedisCircuitBreaker,
  type RedisCircuitBreakerOptions,
  redisCircuitBreaker,
} from './redis-circuit-breaker';
export {
  type RedisConcurrencyLimit,
  type RedisConcurrencyLimitOptions,
  redisConcurrencyLimit,
} from './redis-concurrency-limit';
export {
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
  redisRateLimiter,
} from './redis-rate-limiter';
export {
  type RedisRetryBudget,
  type RedisRetryBudgetOptions,
  redisRetryBudget,
} from './redis-retry-budget';
export type {
  RedisBacked,
  RedisStateOptions,
  UnavailableEvent,
  UnavailablePolicy,
} from './redis-state';
