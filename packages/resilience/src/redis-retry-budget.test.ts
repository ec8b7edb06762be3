import { InvalidArgumentError, SharedStateUnavailableError } from '@keel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  providerDown,
  redisReplicas,
  redisUrl,
  silentRedis,
  unreachableRedis,
} from '../test/redis';
import { redisRetryBudget } from './redis-retry-budget';
import type { UnavailableEvent } from './redis-state';
import { retry } from './retry';

describe.skipIf(!redisUrl)('redisRetryBudget', () => {
  let replicas: ReturnType<typeof redisReplicas>;
  beforeAll(() => {
    replicas = redisReplicas('budget');
  });
  afterAll(() => replicas.close());

  const pair = (key: string, ratio: number, minRetriesPerSecond: number) =>
    [replicas.first, replicas.second].map((redis) =>
      redisRetryBudget({
        redis,
        key,
        prefix: replicas.prefix,
        timeoutMs: replicas.timeoutMs,
        ratio,
        minRetriesPerSecond,
      }),
    ) as [ReturnType<typeof redisRetryBudget>, ReturnType<typeof redisRetryBudget>];

  it('counts requests and retries of both replicas in one window', async () => {
    const [a, b] = pair('shared', 0.5, 0);
    await a.recordRequest();
    await b.recordRequest();
    await a.recordRequest();
    await b.recordRequest();
    expect(await a.tryRetry()).toBe(true);
    expect(await b.tryRetry()).toBe(true);
    expect(await a.tryRetry()).toBe(false); // 4 requests x 0.5: two retries, taken by a and b
    expect(await b.snapshot()).toEqual({ requests: 4, retries: 2, allowed: 2 });
  });

  it('caps the retries of retry policies on different replicas together', async () => {
    const [a, b] = pair('policies', 0, 0.1); // one retry per 10 s window, whoever asks
    const attempts = { a: 0, b: 0 };
    const failing = (name: 'a' | 'b') => () => {
      attempts[name]++;
      return Promise.reject(providerDown());
    };
    const options = { maxAttempts: 3, baseDelayMs: 1 };
    await expect(retry({ ...options, budget: a }).execute(failing('a'))).rejects.toThrow('503');
    await expect(retry({ ...options, budget: b }).execute(failing('b'))).rejects.toThrow('503');
    expect(attempts).toEqual({ a: 2, b: 1 });
    expect(await a.snapshot()).toMatchObject({ requests: 2, retries: 1 });
  });
});

describe('redisRetryBudget without Redis', () => {
  const down = unreachableRedis();
  afterAll(() => down.disconnect());

  it('allows retries when failing open and denies them when failing closed, never hanging', async () => {
    for (const redis of [down, silentRedis()]) {
      const open = redisRetryBudget({ redis, key: 'k', timeoutMs: 20 });
      const closed = redisRetryBudget({
        redis,
        key: 'k',
        timeoutMs: 20,
        onUnavailable: 'fail-closed',
      });
      const events: UnavailableEvent[] = [];
      open.onUnavailable((event) => events.push(event));
      closed.onUnavailable((event) => events.push(event));
      await open.recordRequest();
      expect(await open.tryRetry()).toBe(true);
      await closed.recordRequest();
      expect(await closed.tryRetry()).toBe(false);
      expect(events.map((event) => event.failedOpen)).toEqual([true, true, true, false]);
      await expect(closed.snapshot()).rejects.toSatisfy((error) =>
        SharedStateUnavailableError.isInstance(error),
      );
    }
  });

  it('refuses bad options with InvalidArgumentError', () => {
    for (const options of [{ ratio: -1 }, { windowMs: 10 }, { minRetriesPerSecond: Number.NaN }]) {
      expect(() => redisRetryBudget({ redis: down, key: 'k', ...options })).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
