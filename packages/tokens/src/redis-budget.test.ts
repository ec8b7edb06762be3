import { createServer, type Server, type Socket } from 'node:net';
import { EMPTY_USAGE, SharedStateUnavailableError, type Usage } from '@keel/core';
import { eventually, type RedisTestKit, redisTestKit, stateEngineUrl } from '@keel/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBudget } from './budget';
import { BudgetExceededError } from './budget-exceeded-error';
import { createRedisBudget, type RedisBudgetOptions } from './redis-budget';

const url = stateEngineUrl('REDIS_URL');
const estimate = { model: 'gpt-4o', inputTokens: 60, maxOutputTokens: 40 };

const usage = (inputTokens: number, outputTokens: number): Usage => ({
  ...EMPTY_USAGE,
  inputTokens,
  outputTokens,
});

describe.skipIf(!url)('createRedisBudget', () => {
  let kit: RedisTestKit<Redis>;
  let prefix: string;
  let first: Redis;
  let second: Redis;
  // Redis gets 2 s to answer, not the default 250 ms: on a loaded machine a reply can take
  // longer, and the budget would refuse the reservation as if Redis were down.
  const budgetOn = (
    redis: Redis,
    options: Partial<RedisBudgetOptions> & Pick<RedisBudgetOptions, 'scope'>,
  ) => createRedisBudget({ redis, prefix, maxTokens: 1_000, timeoutMs: 2_000, ...options });

  beforeAll(() => {
    kit = redisTestKit('tokens', () => new Redis(url as string));
    prefix = kit.prefix();
    first = kit.client();
    second = kit.client();
  });

  afterAll(() => kit.close());

  it('never lets two replicas together pass the limit under concurrent reservations', async () => {
    const a = budgetOn(first, { scope: 'user:concurrent' });
    const b = budgetOn(second, { scope: 'user:concurrent' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? a : b).reserve(estimate)),
    );
    const held = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    expect(held).toHaveLength(10);
    expect(refused.every((error) => BudgetExceededError.isInstance(error))).toBe(true);
    expect(refused[0]).toMatchObject({ scope: 'user:concurrent', unit: 'tokens', limit: 1_000 });
    expect(await b.snapshot()).toMatchObject({ reservedTokens: 1_000, inFlight: 10 });
  });

  it('settles the real usage at the in-process budget’s prices and frees the rest', async () => {
    const options = { scope: 'user:settle', maxTokens: 1_000, maxCostUsd: 1 };
    const shared = budgetOn(first, options);
    const local = createBudget(options);
    const big = { model: 'claude-sonnet-4-5', inputTokens: 600, maxOutputTokens: 350 };
    const [sharedHold, localHold] = [await shared.reserve(big), local.reserve(big)];
    expect(sharedHold).toEqual(localHold);
    await expect(shared.reserve(estimate)).rejects.toMatchObject({ unit: 'tokens', used: 950 });

    await shared.settle(sharedHold, usage(550, 50), { cacheWriteTtl: '1h' });
    local.settle(localHold, usage(550, 50), { cacheWriteTtl: '1h' });
    expect(await budgetOn(second, options).snapshot()).toEqual(local.snapshot());
    await expect(shared.reserve(estimate)).resolves.toMatchObject({ tokens: 100 });
    await expect(shared.settle(sharedHold, usage(1, 1))).rejects.toThrow(/not open/);
  });

  it('returns a released reservation whole', async () => {
    const budget = budgetOn(first, { scope: 'user:release' });
    const hold = await budget.reserve({ ...estimate, inputTokens: 960 });
    await expect(budget.reserve(estimate)).rejects.toSatisfy(BudgetExceededError.isInstance);
    await budget.release(hold);
    expect(await budget.snapshot()).toMatchObject({ reservedTokens: 0, spentTokens: 0 });
    await expect(budget.reserve(estimate)).resolves.toMatchObject({ tokens: 100 });
  });

  it('frees the hold of a replica that died before settling, once its TTL passes', async () => {
    const dying = budgetOn(first, { scope: 'user:expiry', holdTtlMs: 3_000 });
    await dying.reserve({ ...estimate, inputTokens: 960 });
    const survivor = budgetOn(second, { scope: 'user:expiry' });
    await expect(survivor.reserve(estimate)).rejects.toSatisfy(BudgetExceededError.isInstance);
    await eventually(async () => {
      await survivor.reserve(estimate);
    });
    expect(await survivor.snapshot()).toMatchObject({ reservedTokens: 100, inFlight: 1 });
  });

  it('starts each window afresh', async () => {
    const budget = budgetOn(first, { scope: 'user:window', window: { ms: 300 } });
    await eventually(async () => {
      await budget.settle(await budget.reserve(estimate), usage(900, 100));
      await expect(budget.reserve(estimate)).rejects.toSatisfy(BudgetExceededError.isInstance);
    });
    await eventually(async () => {
      expect(await budget.snapshot()).toMatchObject({ spentTokens: 0 });
    });
    await expect(budget.reserve(estimate)).resolves.toMatchObject({ tokens: 100 });
  });

  it('seeds a window once, from the first replica that finds it empty', async () => {
    const windows: Date[] = [];
    const seed = async ({ since }: { since: Date }) => {
      windows.push(since);
      return { tokens: 700, costUsd: 0 };
    };
    const a = budgetOn(first, { scope: 'user:seed', window: 'day', seed });
    const b = budgetOn(second, { scope: 'user:seed', window: 'day', seed });
    await a.reserve(estimate);
    await b.reserve(estimate);
    await expect(a.reserve({ ...estimate, inputTokens: 61 })).rejects.toMatchObject({ used: 900 });
    expect(await b.snapshot()).toMatchObject({ spentTokens: 700, reservedTokens: 200 });
    expect(windows).toHaveLength(1);
    expect((windows[0] as Date).getTime() % 86_400_000).toBe(0);

    const failing = budgetOn(first, {
      scope: 'user:seed-fails',
      seed: () => Promise.reject(new Error('ledger down')),
    });
    await expect(failing.reserve(estimate)).rejects.toThrow('ledger down');
    const bad = budgetOn(first, {
      scope: 'user:seed-bad',
      seed: async () => ({ tokens: -1, costUsd: 0 }),
    });
    await expect(bad.reserve(estimate)).rejects.toThrow(/seed\(\)\.tokens/);
  });

  it('rejects bad options with what to pass', () => {
    expect(() => createRedisBudget({ redis: first, scope: 'x' })).toThrow(
      /createRedisBudget needs maxTokens, maxCostUsd or both/,
    );
    expect(() => budgetOn(first, { scope: 'x', window: { ms: 0 } })).toThrow(/window\.ms/);
    expect(() => budgetOn(first, { scope: 'x', window: 'week' as 'day' })).toThrow(
      /window must be 'minute', 'day' or \{ ms \}/,
    );
    expect(() => budgetOn(first, { scope: 'x', holdTtlMs: -1 })).toThrow(/holdTtlMs/);
    expect(() => budgetOn(first, { scope: 'x', timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
    expect(() => budgetOn({} as Redis, { scope: 'x' })).toThrow(/ioredis client/);
  });
});

describe('createRedisBudget without Redis', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  const clients: Redis[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a Redis that hangs.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails closed, quickly, when Redis is unreachable or does not answer', async () => {
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    for (const redis of [
      new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, lazyConnect: true }),
      new Redis({ host: '127.0.0.1', port, lazyConnect: true }),
    ]) {
      clients.push(redis);
      redis.on('error', () => {});
      const budget = createRedisBudget({ redis, scope: 'user:1', maxTokens: 10, timeoutMs: 100 });
      const refused = await budget.reserve(estimate).catch((error: unknown) => error);
      expect(SharedStateUnavailableError.isInstance(refused)).toBe(true);
      expect(refused).toMatchObject({ engine: 'redis', operation: 'budget.reserve' });
      await expect(budget.snapshot()).rejects.toSatisfy(SharedStateUnavailableError.isInstance);
    }
  });
});
