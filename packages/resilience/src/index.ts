/**
 * @keel/resilience: retries, budgets, breakers, timeouts, limits and fallback that understand
 * LLM providers.
 */
export { type BackoffKind, backoffDelay } from './backoff';
export { BrokenCircuitError } from './broken-circuit-error';
export {
  type BreakerSnapshot,
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type ConsecutiveStrategy,
  circuitBreaker,
  type SamplingStrategy,
} from './circuit-breaker';
export {
  type Classification,
  type ClassificationRule,
  type ClassifierOptions,
  classify,
  createClassifier,
  RETRYABLE_NETWORK_CODES,
  STATUS_CLASSIFICATIONS,
} from './classify';
export {
  type ConcurrencyLimit,
  type ConcurrencyLimitOptions,
  concurrencyLimit,
} from './concurrency-limit';
export { ConcurrencyLimitError, type ConcurrencyLimitReason } from './concurrency-limit-error';
export type { Subscribe } from './event';
export { type FallbackOptions, fallback, fallbackStream } from './fallback';
export { type Keyed, keyed } from './keyed';
export type { ExecuteOptions, Policy, PolicyContext } from './policy';
export { RateLimitExceededError } from './rate-limit-exceeded-error';
export {
  type Permit,
  type RateLimiter,
  type RateLimiterOptions,
  rateLimiter,
} from './rate-limiter';
export {
  type GiveUpEvent,
  type GiveUpReason,
  type RetryEvent,
  type RetryOptions,
  type RetryPolicy,
  retry,
} from './retry';
export { retryAfterMs } from './retry-after';
export {
  type LocalRetryBudget,
  type RetryBudget,
  type RetryBudgetOptions,
  type RetryBudgetSnapshot,
  retryBudget,
} from './retry-budget';
export { type TimeoutKind, type TimeoutOptions, type TimeoutPolicy, timeout } from './timeout';
export { wrap } from './wrap';
