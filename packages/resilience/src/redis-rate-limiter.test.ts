import { InvalidArgumentError, type RedisClient, SharedStateUnavailableError } from '@keel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, redisReplicas, redisUrl, silentRedis, unreachableRedis } from '../test/redis';
import { RateLimitExceededError } from './rate-limit-exceeded-error';
import { redisRateLimiter } from './redis-rate-limiter';
import type { UnavailableEvent } from './redis-state';

describe.skipIf(!redisUrl)('redisRateLimiter', () => {
  let replicas: ReturnType<typeof redisReplicas>;
  beforeAll(() => {
    replicas = redisReplicas('rate');
  });
  afterAll(() => replicas.close());

  const pair = (
    key: string,
    options: { requestsPerMinute?: number; tokensPerMinute?: number; maxWaitMs?: number },
  ) =>
    [
      redisRateLimiter({
        redis: replicas.first,
        key,
        prefix: replicas.prefix,
        timeoutMs: replicas.timeoutMs,
        maxWaitMs: 0,
        ...options,
      }),
      redisRateLimiter({
        redis: replicas.second,
        key,
        prefix: replicas.prefix,
        timeoutMs: replicas.timeoutMs,
        maxWaitMs: 0,
        ...options,
      }),
    ] as const;

  it('lets two replicas alternating take the rate once between them, not once each', async () => {
    const [a, b] = pair('user:alternating', { requestsPerMinute: 10 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? a : b).acquire()),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    expect(refused).toHaveLength(10);
    for (const error of refused) {
      expect(RateLimitExceededError.isInstance(error)).toBe(true);
      expect(error.retryAfterMs).toBeGreaterThan(0);
    }
  });

  it('charges the estimate on one replica and refunds the difference seen by the other', async () => {
    const [a, b] = pair('user:settle', { tokensPerMinute: 1_000 });
    const permit = await a.acquire({ tokens: 800 });
    expect(a.available().tokens).toBeLessThan(210);
    await expect(b.acquire({ tokens: 300 })).rejects.toMatchObject({
      name: 'RateLimitExceededError',
    });
    await permit.settle(100); // used 100 of the 800 held: 700 come back
    await b.acquire({ tokens: 300 });
    expect(b.available().tokens).toBeGreaterThanOrEqual(600);
    expect(b.available().tokens).toBeLessThan(700);
  });

  it('waits for capacity freed by server time, and gives up at maxWaitMs or on abort', async () => {
    const [a, b] = pair('user:wait', { tokensPerMinute: 6_000, maxWaitMs: 10_000 });
    await a.acquire({ tokens: 6_000 }); // empty; refills 100 tokens a second
    const rejections: number[] = [];
    b.onReject(({ retryAfterMs }) => rejections.push(retryAfterMs));
    await b.acquire({ tokens: 20 });
    expect(rejections).toEqual([]);
    await expect(b.acquire({ tokens: 5_000 })).rejects.toSatisfy(
      (error) => RateLimitExceededError.isInstance(error) && error.retryAfterMs > 10_000,
    );
    expect(rejections).toHaveLength(1);
    const reason = new Error('user left');
    await expect(
      b.acquire({ tokens: 500 }, { signal: AbortSignal.timeout(30) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    const aborted = b.acquire({ tokens: 500 }, { signal: controller.signal });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
  });

  it('runs execute under one request and lets idle buckets expire from Redis', async () => {
    const [a] = pair('user:idle', { tokensPerMinute: 60_000, requestsPerMinute: 60_000 });
    expect(await a.execute(() => 'ran')).toBe('ran');
    await a.acquire({ tokens: 50 });
    expect(await replicas.first.exists(`${replicas.prefix}rate:user:idle`)).toBe(1);
    await eventually(async () => {
      expect(await replicas.first.exists(`${replicas.prefix}rate:user:idle`)).toBe(0);
    });
  });
});

describe('redisRateLimiter without Redis', () => {
  const down = unreachableRedis();
  afterAll(() => down.disconnect());

  it('fails open by default: the call goes on and onUnavailable reports it', async () => {
    const limiter = redisRateLimiter({ redis: down, key: 'user:1', requestsPerMinute: 1 });
    const events: UnavailableEvent[] = [];
    limiter.onUnavailable((event) => events.push(event));
    const permit = await limiter.acquire({ tokens: 10 });
    await permit.settle(5);
    expect(await limiter.execute(() => 'ran')).toBe('ran');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ key: 'user:1', failedOpen: true });
    expect(SharedStateUnavailableError.isInstance(events[0]?.error)).toBe(true);
  });

  it('fails closed when asked, and never hangs on a Redis that does not answer', async () => {
    for (const redis of [down, silentRedis()] as RedisClient[]) {
      const limiter = redisRateLimiter({
        redis,
        key: 'user:1',
        requestsPerMinute: 1,
        timeoutMs: 20,
        onUnavailable: 'fail-closed',
      });
      const events: UnavailableEvent[] = [];
      limiter.onUnavailable((event) => events.push(event));
      await expect(limiter.acquire()).rejects.toSatisfy((error) =>
        SharedStateUnavailableError.isInstance(error),
      );
      expect(events).toMatchObject([{ failedOpen: false }]);
    }
  });

  it('refuses bad options with InvalidArgumentError', () => {
    const bad = [
      { redis: undefined, key: 'k', requestsPerMinute: 1 },
      { redis: down, key: '', requestsPerMinute: 1 },
      { redis: down, key: 'k' },
      { redis: down, key: 'k', requestsPerMinute: -1 },
      { redis: down, key: 'k', requestsPerMinute: 1, timeoutMs: 0 },
      { redis: down, key: 'k', requestsPerMinute: 1, maxWaitMs: Number.NaN },
      { redis: down, key: 'k', requestsPerMinute: 1, prefix: 7 },
      { redis: down, key: 'k', requestsPerMinute: 1, onUnavailable: 'fail-sideways' },
    ];
    for (const options of bad) {
      expect(() => redisRateLimiter(options as never)).toThrow(InvalidArgumentError);
    }
    const limiter = redisRateLimiter({ redis: down, key: 'k', tokensPerMinute: 100 });
    return expect(limiter.acquire({ tokens: 101 })).rejects.toThrow(/can never fit/);
  });
});
