/**
 * An embedding cache keyed by model and content hash. In memory, or backed by an append-only
 * file: records are written after their vectors, and a torn record at the end (a crash during a
 * write) is dropped on load, so the file never poisons a later run.
 */
import { contentHash } from './content-hash';
import type { Embedder } from './embedder';

/** Options of {@link createEmbeddingCache}. */
export interface EmbeddingCacheOptions {
  /** File to persist to; created if missing. Without it the cache lives in memory. */
  path?: string;
}

/**
 * Vectors by model and content hash. `get` and `set` may answer at once (in memory, a file) or
 * later (Redis); a store that reaches them over the network also reads and writes a batch in one
 * round trip through `getMany` and `setMany`, which {@link withEmbeddingCache} then prefers.
 */
export interface EmbeddingCache {
  get(model: string, hash: string): Float32Array | undefined | Promise<Float32Array | undefined>;
  set(model: string, hash: string, vector: Float32Array): void | Promise<void>;
  /** The vectors of `hashes` in order, `undefined` for each miss. */
  getMany?(model: string, hashes: readonly string[]): Promise<Array<Float32Array | undefined>>;
  setMany?(
    model: string,
    entries: ReadonlyArray<readonly [hash: string, vector: Float32Array]>,
  ): Promise<void>;
  /** Writes new entries to the file (a no-op in memory). */
  flush(): Promise<void>;
}

/** The cache of {@link createEmbeddingCache}: in this process, answering at once. */
export interface LocalEmbeddingCache extends EmbeddingCache {
  readonly size: number;
  get(model: string, hash: string): Float32Array | undefined;
  set(model: string, hash: string, vector: Float32Array): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeRecord(key: string, vector: Float32Array): Uint8Array {
  const keyBytes = encoder.encode(key);
  const record = new Uint8Array(8 + keyBytes.length + vector.length * 4);
  const view = new DataView(record.buffer);
  view.setUint32(0, keyBytes.length, true);
  view.setUint32(4, vector.length, true);
  record.set(keyBytes, 8);
  for (let i = 0; i < vector.length; i++) {
    view.setFloat32(8 + keyBytes.length + i * 4, vector[i] as number, true);
  }
  return record;
}

/** Reads complete records; returns the byte length of the valid prefix. */
function decodeRecords(bytes: Uint8Array, entries: Map<string, Float32Array>): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    const keyLength = view.getUint32(offset, true);
    const dim = view.getUint32(offset + 4, true);
    const end = offset + 8 + keyLength + dim * 4;
    if (end > bytes.length) break;
    const key = decoder.decode(bytes.subarray(offset + 8, offset + 8 + keyLength));
    const vector = new Float32Array(dim);
    for (let i = 0; i < dim; i++) vector[i] = view.getFloat32(offset + 8 + keyLength + i * 4, true);
    entries.set(key, vector);
    offset = end;
  }
  return offset;
}

/**
 * Opens an embedding cache; with `path`, loads what earlier runs saved.
 *
 * @example
 * ```ts
 * const cache = await createEmbeddingCache({ path: '.keel/embeddings.bin' });
 * const embedder = withEmbeddingCache(createOpenAIEmbedder({ client }), cache);
 * ```
 */
export async function createEmbeddingCache({
  path,
}: EmbeddingCacheOptions = {}): Promise<LocalEmbeddingCache> {
  const entries = new Map<string, Float32Array>();
  let pending: Uint8Array[] = [];
  let fs: typeof import('node:fs/promises') | undefined;
  if (path !== undefined) {
    fs = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await fs.mkdir(dirname(path), { recursive: true });
    const bytes = await fs.readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return new Uint8Array(0);
      throw error;
    });
    const valid = decodeRecords(bytes, entries);
    if (valid < bytes.length) await fs.truncate(path, valid);
  }
  const keyOf = (model: string, hash: string) => `${model}\u0000${hash}`;

  return {
    get size() {
      return entries.size;
    },
    get(model, hash) {
      return entries.get(keyOf(model, hash));
    },
    set(model, hash, vector) {
      const key = keyOf(model, hash);
      if (entries.has(key)) return;
      entries.set(key, vector);
      if (fs) pending.push(encodeRecord(key, vector));
    },
    async flush() {
      if (!fs || path === undefined || pending.length === 0) return;
      const records = pending;
      pending = [];
      await fs.appendFile(path, Buffer.concat(records));
    },
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

/** The cached vectors of `hashes`; one of another size than the embedder's is a miss. */
async function readVectors(
  cache: EmbeddingCache,
  model: string,
  hashes: readonly string[],
  dimensions: number,
): Promise<Array<Float32Array | undefined>> {
  let found: Array<Float32Array | undefined>;
  if (cache.getMany !== undefined) {
    found = await cache.getMany(model, hashes);
  } else {
    const got = hashes.map((hash) => cache.get(model, hash));
    // A cache in this process answers at once: no promise per text.
    found = got.some(isPromiseLike) ? await Promise.all(got) : (got as typeof found);
  }
  return hashes.map((_, i) => (found[i]?.length === dimensions ? found[i] : undefined));
}

async function writeVectors(
  cache: EmbeddingCache,
  model: string,
  entries: Array<readonly [hash: string, vector: Float32Array]>,
): Promise<void> {
  if (cache.setMany !== undefined) return cache.setMany(model, entries);
  const pending = entries
    .map(([hash, vector]) => cache.set(model, hash, vector))
    .filter(isPromiseLike);
  if (pending.length > 0) await Promise.all(pending);
}

/**
 * Wraps an embedder so texts already embedded by the same model (its `cacheKey`, else its
 * `modelId`) come from the cache: one read of the cache per call, one write of what was new.
 *
 * @example
 * ```ts
 * const cached = withEmbeddingCache(embedder, await createEmbeddingCache());
 * ```
 */
export function withEmbeddingCache(embedder: Embedder, cache: EmbeddingCache): Embedder {
  const model = embedder.cacheKey ?? embedder.modelId;
  return {
    modelId: embedder.modelId,
    dimensions: embedder.dimensions,
    ...(embedder.cacheKey !== undefined && { cacheKey: embedder.cacheKey }),
    async embed(texts, options) {
      const hashes = texts.map(contentHash);
      const vectors = await readVectors(cache, model, hashes, embedder.dimensions);
      const missing = [...new Set(texts.filter((_, i) => vectors[i] === undefined))];
      if (missing.length > 0) {
        const fresh = await embedder.embed(missing, options);
        const byText = new Map(missing.map((text, i) => [text, fresh[i] as Float32Array]));
        const stored = new Map<string, Float32Array>();
        for (const [i, text] of texts.entries()) {
          if (vectors[i] !== undefined) continue;
          const vector = byText.get(text) as Float32Array;
          vectors[i] = vector;
          stored.set(hashes[i] as string, vector);
        }
        await writeVectors(cache, model, [...stored]);
        await cache.flush();
      }
      return vectors as Float32Array[];
    },
  };
}
