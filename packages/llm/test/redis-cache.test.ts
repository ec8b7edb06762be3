/**
 * The response cache on the Redis at REDIS_URL, through real models against the mock provider:
 * each test keys under its own random prefix and deletes its keys.
 */
import { InvalidArgumentError } from '@keel/core';
import {
  type MockProvider,
  redisTestKit,
  STUCK_REDIS,
  silentRedis,
  startMockProvider,
  stateEngineUrl,
  UNREACHABLE_REDIS,
} from '@keel/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type CacheSkip, createRedisCache } from '../src/redis';
import { ask, useMock } from './helpers';

const url = stateEngineUrl('REDIS_URL');
const env = useMock();

describe.skipIf(!url)('createRedisCache', () => {
  const kit = redisTestKit('llm', () => new Redis(url as string));
  const client = kit.client;
  const freshPrefix = kit.prefix;
  const keysUnder = kit.keys;
  afterAll(() => kit.close());

  it('serves a second replica the answer the first stored, without asking the provider', async () => {
    env.mock.enqueue('openai.chat', { text: 'shared answer' });
    const prefix = freshPrefix();
    const first = env.openai({ cache: createRedisCache({ redis: client(), prefix }) });
    const second = env.openai({ cache: createRedisCache({ redis: client(), prefix }) });
    const request = { ...ask('What is Keel?'), temperature: 0 };
    expect(await first.generate(request)).toMatchObject({ text: 'shared answer', cached: false });
    const hit = await second.generate(request);
    expect(hit).toMatchObject({ text: 'shared answer', cached: true, costUsd: 0, attempts: 0 });
    expect(hit.usage.outputTokens).toBe(0);
    expect(env.mock.requests).toHaveLength(1);
    expect(await keysUnder(prefix)).toHaveLength(1);
  });

  it('misses on another request and bypasses the cache with cache: false', async () => {
    env.mock.enqueue('openai.chat', { text: 'one' }, { text: 'two' }, { text: 'three' });
    const model = env.openai({
      cache: createRedisCache({ redis: client(), prefix: freshPrefix() }),
    });
    await model.generate(ask('Hi'));
    expect(await model.generate(ask('Hello'))).toMatchObject({ text: 'two', cached: false });
    expect(await model.generate(ask('Hi'), { cache: false })).toMatchObject({ cached: false });
    expect(await model.generate(ask('Hi'))).toMatchObject({ text: 'one', cached: true });
    expect(env.mock.requests).toHaveLength(3);
  });

  it('keeps the answers of two servers with the same model id apart', async () => {
    const other: MockProvider = await startMockProvider();
    try {
      env.mock.enqueue('openai.chat', { text: 'from the first server' });
      other.enqueue('openai.chat', { text: 'from the second server' });
      const prefix = freshPrefix();
      const cache = createRedisCache({ redis: client(), prefix });
      const here = env.openai({ cache });
      const there = env.openai({ cache, baseURL: other.openaiBaseURL });
      expect((await here.generate(ask('Hi'))).text).toBe('from the first server');
      expect(await there.generate(ask('Hi'))).toMatchObject({
        text: 'from the second server',
        cached: false,
      });
      expect(await keysUnder(prefix)).toHaveLength(2);
      expect(await there.generate(ask('Hi'))).toMatchObject({
        text: 'from the second server',
        cached: true,
      });
    } finally {
      await other.close();
    }
  });

  it('lets answers expire after ttlMs', async () => {
    env.mock.enqueue('openai.chat', { text: 'short-lived' }, { text: 'asked again' });
    const prefix = freshPrefix();
    const model = env.openai({ cache: createRedisCache({ redis: client(), prefix, ttlMs: 30 }) });
    await model.generate(ask('Hi'));
    await expect.poll(() => keysUnder(prefix), { interval: 10, timeout: 5_000 }).toHaveLength(0);
    expect(await model.generate(ask('Hi'))).toMatchObject({ text: 'asked again', cached: false });
  });

  it('does not store an answer larger than maxValueBytes, and says so', async () => {
    env.mock.enqueue('openai.chat', { text: 'x'.repeat(2_000) }, { text: 'x'.repeat(2_000) });
    const skips: CacheSkip[] = [];
    const prefix = freshPrefix();
    const cache = createRedisCache({
      redis: client(),
      prefix,
      maxValueBytes: 1_000,
      onSkip: (skip) => skips.push(skip),
    });
    const model = env.openai({ cache });
    await model.generate(ask('Long'));
    expect(skips).toEqual([
      { reason: 'too-large', key: expect.stringMatching(prefix), bytes: expect.any(Number) },
    ]);
    expect(skips[0]?.bytes).toBeGreaterThan(2_000);
    expect(await keysUnder(prefix)).toHaveLength(0);
    expect(await model.generate(ask('Long'))).toMatchObject({ cached: false });
    expect(env.mock.requests).toHaveLength(2);
  });

  it('treats a value that is not an answer as a miss and replaces it', async () => {
    const redis = client();
    const prefix = freshPrefix();
    const skips: CacheSkip[] = [];
    const model = env.openai({
      cache: createRedisCache({ redis, prefix, onSkip: (skip) => skips.push(skip) }),
    });
    env.mock.enqueue('openai.chat', { text: 'first' });
    await model.generate(ask('Hi'));
    const [key] = await keysUnder(prefix);
    for (const foreign of ['{"text":', '{"some":"other app"}', '42', 'null']) {
      await redis.set(key as string, foreign);
      env.mock.enqueue('openai.chat', { text: 'asked again' });
      expect(await model.generate(ask('Hi'))).toMatchObject({ text: 'asked again', cached: false });
    }
    expect(skips.map((skip) => skip.reason)).toEqual(['corrupt', 'corrupt', 'corrupt', 'corrupt']);
    expect(await model.generate(ask('Hi'))).toMatchObject({ text: 'asked again', cached: true });
  });

  it('answers from the provider when Redis is unreachable or never answers', async () => {
    env.mock.enqueue('openai.chat', { text: 'fresh' }, { text: 'fresh again' });
    const unreachable = new Redis(UNREACHABLE_REDIS);
    const silent = new Redis(STUCK_REDIS);
    silent.on('error', () => {});
    unreachable.on('error', () => {});
    const errors: unknown[] = [];
    try {
      for (const redis of [unreachable, silent]) {
        const cache = createRedisCache({
          redis,
          prefix: freshPrefix(),
          timeoutMs: 100,
          onError: (error) => errors.push(error),
        });
        expect(await env.openai({ cache }).generate(ask('Hi'))).toMatchObject({ cached: false });
      }
    } finally {
      unreachable.disconnect();
      silent.disconnect();
    }
    expect(env.mock.requests).toHaveLength(2);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(errors).toContainEqual(
      expect.objectContaining({ name: 'SharedStateUnavailableError', engine: 'redis' }),
    );
  });

  it('refuses a missing client and out-of-range numbers', () => {
    const redis = silentRedis();
    expect(() => createRedisCache({ redis: undefined as never })).toThrow(InvalidArgumentError);
    expect(() => createRedisCache({ redis: {} as never })).toThrow(
      /createRedisCache\(\) needs redis/,
    );
    expect(() => createRedisCache({ redis, ttlMs: 0 })).toThrow(/ttlMs/);
    expect(() => createRedisCache({ redis, maxValueBytes: 1.5 })).toThrow(/maxValueBytes/);
    expect(() => createRedisCache({ redis, timeoutMs: -1 })).toThrow(/timeoutMs/);
  });
});
