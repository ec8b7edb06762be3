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

/** Vectors by model and content hash. */
export interface EmbeddingCache {
  readonly size: number;
  get(model: string, hash: string): Float32Array | undefined;
  set(model: string, hash: string, vector: Float32Array): void;
  /** Writes new entries to the file (a no-op in memory). */
  flush(): Promise<void>;
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
}: EmbeddingCacheOptions = {}): Promise<EmbeddingCache> {
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

/**
 * Wraps an embedder so texts already embedded by the same model come from the cache.
 *
 * @example
 * ```ts
 * const cached = withEmbeddingCache(embedder, await createEmbeddingCache());
 * ```
 */
export function withEmbeddingCache(embedder: Embedder, cache: EmbeddingCache): Embedder {
  return {
    modelId: embedder.modelId,
    dimensions: embedder.dimensions,
    async embed(texts, options) {
      const hashes = texts.map(contentHash);
      const vectors = hashes.map((hash) => cache.get(embedder.modelId, hash));
      const missing = [...new Set(texts.filter((_, i) => vectors[i] === undefined))];
      if (missing.length > 0) {
        const fresh = await embedder.embed(missing, options);
        const byText = new Map(missing.map((text, i) => [text, fresh[i] as Float32Array]));
        for (const [i, text] of texts.entries()) {
          if (vectors[i] !== undefined) continue;
          const vector = byText.get(text) as Float32Array;
          vectors[i] = vector;
          cache.set(embedder.modelId, hashes[i] as string, vector);
        }
        await cache.flush();
      }
      return vectors as Float32Array[];
    },
  };
}
