import { countRedisCalls } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerDown, redisReplicas, redisUrl } from '../test/redis';
import { redisCircuitBreaker } from './redis-circuit-breaker';
import { redisConcurrencyLimit } from './redis-concurrency-limit';
import { redisRateLimiter } from './redis-rate-limiter';
import { redisRetryBudget } from './redis-retry-budget';
import { retry } from './retry';

describe.skipIf(!redisUrl)('Redis round trips per decision (the figures in the README)', () => {
  let replicas: ReturnType<typeof redisReplicas>;
  let redis: ReturnType<typeof countRedisCalls>;
  beforeAll(() => {
    replicas = redisReplicas('round-trips');
    redis = countRedisCalls(replicas.first);
  });
  afterAll(() => replicas.close());

  /** Round trips `run` makes, once every script is loaded (EVALSHA answers at once). */
  const count = async (run: () => Promise<unknown>): Promise<number> => {
    await run();
    redis.calls = 0;
    await run();
    return redis.calls;
  };

  it('rate limiter: acquire 1, settle 1', async () => {
    const limiter = redisRateLimiter({
      redis,
      key: 'k',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
      tokensPerMinute: 1e9,
    });
    expect(await count(() => limiter.acquire({ tokens: 10 }))).toBe(1);
    const permit = await limiter.acquire({ tokens: 10 });
    expect(await count(async () => permit.settle(5))).toBe(0); // settling twice sends nothing
    const fresh = await limiter.acquire({ tokens: 10 });
    redis.calls = 0;
    await fresh.settle(5);
    expect(redis.calls).toBe(1);
  });

  it('concurrency limit: a call is 2 (lease and release), plus a renewal per third of the TTL', async () => {
    const limit = redisConcurrencyLimit({
      redis,
      key: 'k',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
      maxConcurrent: 4,
    });
    expect(await count(() => limit.execute(() => 'ok'))).toBe(2);
  });

  it('circuit breaker: a call is 2 (admit and outcome); a rejected call is 1', async () => {
    const breaker = redisCircuitBreaker({
      redis,
      key: 'k',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
      strategy: { consecutiveFailures: 1 },
    });
    expect(await count(() => breaker.execute(() => 'ok'))).toBe(2);
    await breaker.execute(() => Promise.reject(providerDown())).catch(() => undefined);
    expect(await count(() => breaker.execute(() => 'no').catch(() => undefined))).toBe(1);
  });

  it('retry budget: 1 per logical call, plus 1 per retry', async () => {
    const budget = redisRetryBudget({
      redis,
      key: 'k',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
    });
    const policy = retry({ budget, maxAttempts: 2, baseDelayMs: 0 });
    // The count is sent beside the first attempt, not before it; a snapshot sent after it on
    // the same connection is answered after it, so it has landed once the snapshot has.
    const counted = async () => {
      await policy.execute(() => 'ok');
      await budget.snapshot();
    };
    expect((await count(counted)) - 1).toBe(1);
    let attempt = 0;
    const flaky = () => (attempt++ % 2 === 0 ? Promise.reject(providerDown()) : 'ok');
    expect(await count(() => policy.execute(flaky))).toBe(2);
  });
});
