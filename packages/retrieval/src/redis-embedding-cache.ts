/**
 * The embedding cache on Redis: vectors shared by every replica, stored compactly (Float32
 * little-endian, base64), each with a time to live and a size cap. A batch is read in one round
 * trip and written in one. A Redis that fails or does not answer in `timeoutMs` is a miss (the
 * texts are embedded again), and a value that is not a vector is a miss too.
 */
import {
  createRedisValueStore,
  type RedisValueSkip,
  type RedisValueStoreOptions,
} from '@keel/core/internal';
import type { EmbeddingCache } from './embedding-cache';

/** A vector not stored (`too-large`) or a stored value not served (`corrupt`): `reason`, `key`, `bytes`. */
export type CacheSkip = RedisValueSkip;

/**
 * Options of {@link createRedisEmbeddingCache}: the client, and optionally `prefix` (default
 * `'keel:'`, keys are `<prefix>embedding:<cacheKey>:<hash>`), `timeoutMs` (default 250, per
 * batch), `onSkip`, `onError` and `clock`. A batch is one script over many keys, which a Redis
 * Cluster refuses across slots: there every read is a miss.
 */
export interface RedisEmbeddingCacheOptions extends RedisValueStoreOptions {
  /** How long a vector stays in Redis; default 30 days. */
  ttlMs?: number;
  /**
   * Vectors whose stored form is larger are not stored (`onSkip` hears of each). A vector takes
   * 16/3 bytes per dimension (4 bytes, base64); default 64 KiB, room for 12,288 dimensions.
   */
  maxValueBytes?: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function encodeVector(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i] as number, true);
  return Buffer.from(bytes.buffer).toString('base64');
}

/** The vector a stored value holds, or `undefined` when it holds none. */
function decodeVector(value: string): Float32Array | undefined {
  if (value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) {
    const component = view.getFloat32(i * 4, true);
    if (!Number.isFinite(component)) return undefined;
    vector[i] = component;
  }
  return vector;
}

/**
 * An {@link EmbeddingCache} on Redis, shared by every replica: keyed by the embedder's
 * `cacheKey` (model, size, server) and the text's content hash.
 *
 * @throws InvalidArgumentError for a missing client or an out-of-range number.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createRetriever } from '@keel/retrieval';
 * import { createRedisEmbeddingCache } from '@keel/retrieval/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL);
 * const retriever = await createRetriever({ cache: createRedisEmbeddingCache({ redis }) });
 * ```
 */
export function createRedisEmbeddingCache(options: RedisEmbeddingCacheOptions): EmbeddingCache {
  const store = createRedisValueStore(options, {
    caller: 'createRedisEmbeddingCache',
    area: 'embedding',
    ttlMs: 2_592_000_000,
    maxValueBytes: 65_536,
  });
  const idOf = (model: string, hash: string) => `${model}:${hash}`;

  async function getMany(model: string, hashes: readonly string[]) {
    const ids = hashes.map((hash) => idOf(model, hash));
    const values = await store.getMany(ids);
    return values.map((value, i) => {
      if (value === undefined) return undefined;
      const vector = decodeVector(value);
      if (vector === undefined) store.reportCorrupt(ids[i] as string, value);
      return vector;
    });
  }

  async function setMany(
    model: string,
    entries: ReadonlyArray<readonly [hash: string, vector: Float32Array]>,
  ) {
    await store.setMany(entries.map(([hash, vector]) => [idOf(model, hash), encodeVector(vector)]));
  }

  return {
    getMany,
    setMany,
    async get(model, hash) {
      const [vector] = await getMany(model, [hash]);
      return vector;
    },
    set: (model, hash, vector) => setMany(model, [[hash, vector]]),
    async flush() {
      // Every write reached Redis when `set` resolved.
    },
  };
}
