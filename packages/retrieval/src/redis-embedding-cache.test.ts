/**
 * The embedding cache on the Redis at REDIS_URL: each test keys under its own random prefix and
 * deletes its keys.
 */
import { InvalidArgumentError } from '@keel/core';
import {
  countRedisCalls,
  redisTestKit,
  STUCK_REDIS,
  silentRedis,
  stateEngineUrl,
  UNREACHABLE_REDIS,
} from '@keel/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from './content-hash';
import type { Embedder } from './embedder';
import { withEmbeddingCache } from './embedding-cache';
import { createLocalEmbedder } from './local-embedder';
import { createOpenAIEmbedder, type OpenAIEmbeddingsClient } from './openai-embedder';
import { type CacheSkip, createRedisEmbeddingCache } from './redis';
import { createRetriever } from './retriever';

const url = stateEngineUrl('REDIS_URL');

/** An embedder that counts the texts it embeds. */
function counting(cacheKey?: string): Embedder & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    modelId: 'counting',
    dimensions: 4,
    ...(cacheKey !== undefined && { cacheKey }),
    async embed(batch) {
      texts.push(...batch);
      return batch.map((text) => Float32Array.from([text.length, 0.5, -1.25, 3e-8]));
    },
  };
}

describe.skipIf(!url)('createRedisEmbeddingCache', () => {
  const kit = redisTestKit('retrieval', () => new Redis(url as string));
  const client = kit.client;
  const freshPrefix = kit.prefix;
  const keysUnder = kit.keys;
  afterAll(() => kit.close());

  it('serves a second replica the vectors the first stored, one round trip per batch', async () => {
    const prefix = freshPrefix();
    const first = countRedisCalls(client());
    const second = countRedisCalls(client());
    const embedder = counting();
    // Redis gets 2 s to answer, not the default 250 ms: on a loaded machine a slower reply
    // would count as a miss and the texts would be embedded again.
    const shared = { prefix, timeoutMs: 2_000 };
    const one = withEmbeddingCache(
      embedder,
      createRedisEmbeddingCache({ redis: first, ...shared }),
    );
    const two = withEmbeddingCache(
      embedder,
      createRedisEmbeddingCache({ redis: second, ...shared }),
    );
    // A server without the cache's scripts answers each call twice (NOSCRIPT, then EVAL): a miss
    // and its write under another prefix load both, so the counts below are those of a warm server.
    await withEmbeddingCache(
      counting(),
      createRedisEmbeddingCache({ redis: first, prefix: freshPrefix(), timeoutMs: 2_000 }),
    ).embed(['warm-up']);
    first.calls = 0;

    const stored = await one.embed(['a', 'bb', 'a']);
    expect(embedder.texts).toEqual(['a', 'bb']);
    expect(first.calls).toBe(2); // one read of the batch, one write of what was new
    expect(await keysUnder(prefix)).toHaveLength(2);

    const served = await two.embed(['bb', 'a', 'bb']);
    expect(embedder.texts).toEqual(['a', 'bb']);
    expect(second.calls).toBe(1);
    expect(served.map((vector) => Array.from(vector))).toEqual(
      [stored[1], stored[0], stored[1]].map((vector) => Array.from(vector as Float32Array)),
    );
    expect(served[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(served[0] as Float32Array)).toEqual([2, 0.5, -1.25, Math.fround(3e-8)]);

    await two.embed(['bb', 'ccc']);
    expect(embedder.texts).toEqual(['a', 'bb', 'ccc']);
    expect(second.calls).toBe(3);
  });

  it('keeps the vectors of two servers, sizes or models apart', async () => {
    const prefix = freshPrefix();
    const cache = createRedisEmbeddingCache({ redis: client(), prefix });
    const requests: string[] = [];
    const server = (baseURL: string): OpenAIEmbeddingsClient => ({
      baseURL,
      embeddings: {
        async create({ input }) {
          requests.push(baseURL);
          return { data: input.map((_, index) => ({ index, embedding: [index, 1, 2, 3] })) };
        },
      },
    });
    const at = (baseURL: string) =>
      withEmbeddingCache(
        createOpenAIEmbedder({
          client: server(baseURL),
          model: 'text-embedding-3-small',
          dimensions: 4,
        }),
        cache,
      );
    await at('http://127.0.0.1:8001/v1').embed(['hello']);
    await at('http://127.0.0.1:8002/v1/').embed(['hello']);
    await at('http://127.0.0.1:8001/v1/').embed(['hello']);
    expect(requests).toEqual(['http://127.0.0.1:8001/v1', 'http://127.0.0.1:8002/v1/']);
    expect(await keysUnder(prefix)).toHaveLength(2);

    const other = counting('another-model');
    await withEmbeddingCache(other, cache).embed(['hello']);
    expect(other.texts).toEqual(['hello']);
  });

  it('lets vectors expire after ttlMs', async () => {
    const prefix = freshPrefix();
    const embedder = counting();
    const cached = withEmbeddingCache(
      embedder,
      createRedisEmbeddingCache({ redis: client(), prefix, ttlMs: 30 }),
    );
    await cached.embed(['a']);
    await expect.poll(() => keysUnder(prefix), { interval: 10, timeout: 5_000 }).toHaveLength(0);
    await cached.embed(['a']);
    expect(embedder.texts).toEqual(['a', 'a']);
  });

  it('does not store a vector larger than maxValueBytes, and says so', async () => {
    const prefix = freshPrefix();
    const skips: CacheSkip[] = [];
    const embedder = counting();
    const cached = withEmbeddingCache(
      embedder,
      createRedisEmbeddingCache({
        redis: client(),
        prefix,
        maxValueBytes: 16,
        onSkip: (skip) => skips.push(skip),
      }),
    );
    const [vector] = await cached.embed(['a']);
    expect(vector).toHaveLength(4);
    // 4 dimensions are 16 bytes, 24 in base64.
    expect(skips).toEqual([
      { reason: 'too-large', key: `${prefix}embedding:counting:${contentHash('a')}`, bytes: 24 },
    ]);
    expect(await keysUnder(prefix)).toHaveLength(0);
    await cached.embed(['a']);
    expect(embedder.texts).toEqual(['a', 'a']);
  });

  it('treats a value that is not a vector as a miss and replaces it', async () => {
    const redis = client();
    const prefix = freshPrefix();
    const skips: CacheSkip[] = [];
    const embedder = counting();
    const cached = withEmbeddingCache(
      embedder,
      createRedisEmbeddingCache({ redis, prefix, onSkip: (skip) => skips.push(skip) }),
    );
    await cached.embed(['a']);
    const [key] = await keysUnder(prefix);
    const nan = Buffer.from(new Float32Array([Number.NaN, 1, 2, 3]).buffer).toString('base64');
    const shortVector = Buffer.from(new Float32Array([1, 2]).buffer).toString('base64');
    for (const foreign of ['not a vector!', 'AAA=', nan, shortVector]) {
      await redis.set(key as string, foreign);
      expect(Array.from((await cached.embed(['a']))[0] as Float32Array)).toEqual([
        1,
        0.5,
        -1.25,
        Math.fround(3e-8),
      ]);
    }
    expect(embedder.texts).toHaveLength(5);
    // The 2-dimensional vector is a vector, of another size: a miss, not a corrupt value.
    expect(skips.map((skip) => skip.reason)).toEqual(['corrupt', 'corrupt', 'corrupt']);
    await cached.embed(['a']);
    expect(embedder.texts).toHaveLength(5);
  });

  it('embeds again when Redis is unreachable or never answers', async () => {
    const unreachable = new Redis(UNREACHABLE_REDIS);
    const silent = new Redis(STUCK_REDIS);
    unreachable.on('error', () => {});
    silent.on('error', () => {});
    const errors: unknown[] = [];
    const embedder = counting();
    try {
      for (const redis of [unreachable, silent]) {
        const cache = createRedisEmbeddingCache({
          redis,
          prefix: freshPrefix(),
          timeoutMs: 100,
          onError: (error) => errors.push(error),
        });
        expect(await withEmbeddingCache(embedder, cache).embed(['a', 'b'])).toHaveLength(2);
      }
    } finally {
      unreachable.disconnect();
      silent.disconnect();
    }
    expect(embedder.texts).toEqual(['a', 'b', 'a', 'b']);
    expect(errors).toHaveLength(4);
    expect(errors).toContainEqual(
      expect.objectContaining({ name: 'SharedStateUnavailableError', engine: 'redis' }),
    );
  });

  it('lets a second retriever ingest without embedding what the first embedded', async () => {
    const prefix = freshPrefix();
    const local = createLocalEmbedder();
    const texts: string[] = [];
    const embedder: Embedder = {
      modelId: local.modelId,
      dimensions: local.dimensions,
      embed: (batch, options) => {
        texts.push(...batch);
        return local.embed(batch, options);
      },
    };
    const documents = [{ id: 'keys', text: 'Rotate API keys every ninety days.' }];
    for (const redis of [client(), client()]) {
      const retriever = await createRetriever({
        embedder,
        cache: createRedisEmbeddingCache({ redis, prefix }),
      });
      await retriever.ingest(documents);
      const [top] = await retriever.retrieve('rotate keys', { k: 1, mode: 'vector' });
      expect(top?.chunk.sourceId).toBe('keys');
    }
    // The chunk was embedded once, by the first; queries skip the cache (each retriever keeps its own).
    expect(texts.filter((text) => text !== 'rotate keys')).toHaveLength(1);
    expect(texts).toHaveLength(3);
  });

  it('refuses a missing client and out-of-range numbers', () => {
    const redis = silentRedis();
    expect(() => createRedisEmbeddingCache({ redis: {} as never })).toThrow(InvalidArgumentError);
    expect(() => createRedisEmbeddingCache({ redis: {} as never })).toThrow(
      /createRedisEmbeddingCache\(\) needs redis/,
    );
    expect(() => createRedisEmbeddingCache({ redis, ttlMs: -5 })).toThrow(/ttlMs/);
    expect(() => createRedisEmbeddingCache({ redis, maxValueBytes: 0 })).toThrow(/maxValueBytes/);
    expect(() => createRedisEmbeddingCache({ redis, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
