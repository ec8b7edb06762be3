import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './invalid-argument-error';
import { normalizeBaseURL } from './normalize-base-url';
import { createRedisValueStore, type RedisValueSkip } from './redis-value-store';
import type { RedisArgument, RedisClient } from './shared-state';

/** A client that records each round trip and answers with `reply`. */
function fakeClient(reply: (args: RedisArgument[]) => Promise<unknown>) {
  const calls: Array<{ numKeys: number; args: RedisArgument[] }> = [];
  const client: RedisClient = {
    evalsha(_sha, numKeys, ...args) {
      calls.push({ numKeys, args });
      return reply(args);
    },
    eval: () => Promise.reject(new Error('unexpected EVAL')),
  };
  return { client, calls };
}

const options = { prefix: 'p:' };
const defaults = { caller: 'createTestCache', area: 'c', ttlMs: 1_000, maxValueBytes: 8 };

describe('createRedisValueStore', () => {
  it('reads and writes a batch in one round trip each, under the prefix, with the TTL', async () => {
    const { client, calls } = fakeClient(async (args) =>
      args.length === 3 ? ['one', null, 'three'] : 2,
    );
    const store = createRedisValueStore({ redis: client, ...options }, defaults);
    await expect(store.getMany(['a', 'b', 'c'])).resolves.toEqual(['one', undefined, 'three']);
    await store.setMany([
      ['a', 'one'],
      ['b', 'two'],
    ]);
    expect(calls).toEqual([
      { numKeys: 3, args: ['p:c:a', 'p:c:b', 'p:c:c'] },
      { numKeys: 2, args: ['p:c:a', 'p:c:b', 1_000, 'one', 'two'] },
    ]);
    await expect(store.getMany([])).resolves.toEqual([]);
    expect(calls).toHaveLength(2);
  });

  it("keys under 'keel:' and the cache's area by default, and lets an option override a default", async () => {
    const { client, calls } = fakeClient(async () => 1);
    const store = createRedisValueStore({ redis: client, ttlMs: 5 }, defaults);
    expect(store.keyOf('a')).toBe('keel:c:a');
    await store.setMany([['a', 'x']]);
    expect(calls).toEqual([{ numKeys: 1, args: ['keel:c:a', 5, 'x'] }]);
  });

  it('skips values past the size cap in UTF-8 bytes, and says so even when the listener throws', async () => {
    const { client, calls } = fakeClient(async () => 1);
    const skips: RedisValueSkip[] = [];
    const store = createRedisValueStore(
      {
        redis: client,
        ...options,
        onSkip: (skip) => {
          skips.push(skip);
          throw new Error('listener bug');
        },
      },
      defaults,
    );
    await store.setMany([
      ['fits', '12345678'],
      ['big', 'ééééé'],
    ]);
    await store.setMany([['big', 'ééééé']]);
    expect(skips).toEqual([
      { reason: 'too-large', key: 'p:c:big', bytes: 10 },
      { reason: 'too-large', key: 'p:c:big', bytes: 10 },
    ]);
    expect(calls).toEqual([{ numKeys: 1, args: ['p:c:fits', 1_000, '12345678'] }]);
    store.reportCorrupt('odd', 'xyz');
    expect(skips.at(-1)).toEqual({ reason: 'corrupt', key: 'p:c:odd', bytes: 3 });
  });

  it('misses and skips writes when Redis fails, reporting the error', async () => {
    const { client } = fakeClient(() => Promise.reject(new Error('ECONNREFUSED')));
    const errors: unknown[] = [];
    const store = createRedisValueStore(
      {
        redis: client,
        ...options,
        onError: (error) => errors.push(error),
      },
      defaults,
    );
    await expect(store.getMany(['a', 'b'])).resolves.toEqual([undefined, undefined]);
    await expect(store.setMany([['a', 'x']])).resolves.toBeUndefined();
    expect(errors).toEqual([
      expect.objectContaining({ name: 'SharedStateUnavailableError', operation: 'cache.get' }),
      expect.objectContaining({ name: 'SharedStateUnavailableError', operation: 'cache.set' }),
    ]);
  });

  it('refuses a missing client, a missing prefix and out-of-range numbers', () => {
    const { client } = fakeClient(async () => null);
    expect(() =>
      createRedisValueStore({ ...options, redis: undefined as never }, defaults),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      createRedisValueStore({ ...options, redis: undefined as never }, defaults),
    ).toThrow(/createTestCache\(\) needs redis/);
    expect(() =>
      createRedisValueStore({ ...options, redis: client, prefix: 1 as never }, defaults),
    ).toThrow(/prefix/);
    expect(() =>
      createRedisValueStore({ ...options, redis: client, ttlMs: 0.5 }, defaults),
    ).toThrow(/ttlMs/);
    expect(() =>
      createRedisValueStore({ ...options, redis: client, maxValueBytes: 0 }, defaults),
    ).toThrow(/maxValueBytes/);
    expect(() =>
      createRedisValueStore({ ...options, redis: client, timeoutMs: 0 }, defaults),
    ).toThrow(/timeoutMs/);
  });
});

describe('normalizeBaseURL', () => {
  it('drops trailing slashes only', () => {
    expect(normalizeBaseURL('http://localhost:11434/v1//')).toBe('http://localhost:11434/v1');
    expect(normalizeBaseURL('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
  });
});
