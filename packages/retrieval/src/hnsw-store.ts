/**
 * A vector store on hnswlib-node. Add, upsert and delete by id without rebuilding (deleted
 * slots are reused), automatic resize, atomic persistence with dimension and model checks, and
 * filtered search that returns k results whenever k vectors pass the filter: a cost model
 * (hnsw-search-plan.ts) answers selective filters (tenants) exactly over the matching vectors
 * and broad ones from a widened graph search, with hnswlib's filtered walk and then an exact
 * pass when the graph comes back short.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { CorruptIndexError } from './corrupt-index-error';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import { compileFilter, type Filter, type MetadataPredicate } from './filter';
import { planFilteredSearch } from './hnsw-search-plan';
import {
  digestOf,
  fileDigest,
  openGeneration,
  saveGeneration,
  withDirectoryLock,
} from './index-directory';
import { MetadataIndex } from './metadata-index';
import { assertStoreShape, storeMethods } from './store-options';
import { TopK } from './top-k';
import type { Metadata } from './types';
import { assertVector, type Vector } from './validate-vector';
import {
  distance,
  prepare,
  resolveK,
  type Space,
  scoreOf,
  type VectorItem,
  type VectorStore,
} from './vector-store';

/** Options of {@link createHnswStore}. */
export interface HnswStoreOptions {
  dim: number;
  /** Default `cosine`. */
  space?: Space;
  /** Directory to load from and save to. */
  path?: string;
  /** Embedding model of the vectors, recorded on save and checked on load. */
  model?: string;
  /** Graph degree; default 16. */
  m?: number;
  /** Build-time candidate list; default 200. */
  efConstruction?: number;
  /** Search-time candidate list (raised to k when smaller); default 64. */
  ef?: number;
  /** Initial capacity; the index doubles when full. Default 1,024. */
  capacity?: number;
  /**
   * A fixed switch for filtered search: filters matching at most this fraction of the vectors
   * are answered exactly over the matches, broader ones from the graph. By default a cost
   * model chooses from the number of matches, the store's size and ef (see the README).
   */
  exactFilterFraction?: number;
  /** Random seed of the graph's levels; default 100. */
  seed?: number;
}

/** An HNSW vector store. */
export interface HnswStore extends VectorStore {
  /** The embedding model recorded for this index, if any. */
  readonly model: string | undefined;
  /**
   * Saves atomically to `path` (or the directory given). Saves of one directory run one after
   * another; each writes a consistent snapshot of the store as it is when its turn comes.
   */
  save(path?: string): Promise<void>;
}

interface Manifest {
  format: 'keel-hnsw-1';
  dim: number;
  space: Space;
  model?: string;
  m: number;
  efConstruction: number;
  capacity: number;
  ids: Array<string | null>;
  metadata: Array<Metadata | null>;
  indexSha256: string;
  vectorsSha256: string;
  companionSha256?: string;
}

const INDEX_FILE = 'index.hnsw';
const VECTORS_FILE = 'vectors.f32';
const MANIFEST_FILE = 'manifest.json';
const COMPANION_FILE = 'companion.json';
/** Slots a function filter is tried on to estimate how many vectors it matches. */
const FILTER_SAMPLE = 256;

/**
 * Text saved in the same generation as a store's vectors, so that a retriever's chunks and
 * its vectors are swapped in by one rename (internal to this package).
 */
interface Companion {
  /** The text loaded with the store, if any. */
  loaded(): string | undefined;
  /** Sets what each save writes, read in the same tick as the vectors' snapshot. */
  provide(source: () => string): void;
}

const companions = new WeakMap<object, Companion>();

/** The companion text of a store created by {@link createHnswStore}; undefined for others. */
export function companionOf(store: object): Companion | undefined {
  return companions.get(store);
}

async function readManifest(folder: string, path: string): Promise<Manifest> {
  try {
    const manifest = JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')) as Manifest;
    if (manifest.format !== 'keel-hnsw-1' || !Array.isArray(manifest.ids)) {
      throw new Error(`unknown format ${JSON.stringify(manifest.format)}`);
    }
    if (
      manifest.indexSha256 !== (await fileDigest(join(folder, INDEX_FILE))) ||
      manifest.vectorsSha256 !== (await fileDigest(join(folder, VECTORS_FILE)))
    ) {
      throw new Error('a file does not match its checksum');
    }
    return manifest;
  } catch (error) {
    throw new CorruptIndexError({
      path,
      reason: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}

/** The companion text of a generation, checked against its manifest; undefined when it has none. */
async function readCompanion(
  folder: string,
  manifest: Manifest,
  path: string,
): Promise<string | undefined> {
  if (manifest.companionSha256 === undefined) return undefined;
  const text = await readFile(join(folder, COMPANION_FILE), 'utf8').catch(() => undefined);
  if (text === undefined || digestOf(text) !== manifest.companionSha256) {
    throw new CorruptIndexError({ path, reason: 'companion.json does not match its checksum' });
  }
  return text;
}

/**
 * The companion text saved with the current generation of the store at `path` (what a
 * retriever keeps beside its vectors), whatever its model and dimensions; undefined for none.
 *
 * @throws CorruptIndexError when a saved file does not match its checksum.
 */
export function savedCompanion(path: string): Promise<string | undefined> {
  return withDirectoryLock(path, async () => {
    const folder = await openGeneration(path);
    if (folder === undefined) return undefined;
    return readCompanion(folder, await readManifest(folder, path), path);
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const entry of Object.values(value)) deepFreeze(entry);
    Object.freeze(value);
  }
  return value;
}

/**
 * Creates an HNSW store, loading the index saved at `path` when there is one.
 *
 * @throws DimensionMismatchError / EmbeddingModelMismatchError when the saved index was built
 * with another dimension or embedding model; CorruptIndexError when its files are damaged.
 * @example
 * ```ts
 * const store = await createHnswStore({ dim: 384, path: '.keel/index', model: embedder.modelId });
 * store.upsert([{ id: 'guide.md#0', vector, metadata: { tenant: 'acme' } }]);
 * await store.save();
 * ```
 */
export async function createHnswStore({
  dim,
  space = 'cosine',
  path,
  model,
  m = 16,
  efConstruction = 200,
  ef = 64,
  capacity = 1024,
  exactFilterFraction,
  seed = 100,
}: HnswStoreOptions): Promise<HnswStore> {
  assertStoreShape(dim, space);
  for (const [argument, value] of Object.entries({ m, efConstruction, ef, capacity })) {
    assertNumber(argument, value, { integer: true, min: 1 });
  }
  if (exactFilterFraction !== undefined) {
    assertNumber('exactFilterFraction', exactFilterFraction, { min: 0, max: 1 });
  }
  // hnswlib-node is CommonJS: Node's ESM loader exposes it as the default export.
  const loaded = await import('hnswlib-node');
  const { HierarchicalNSW } = loaded.default ?? loaded;
  const index = new HierarchicalNSW(space, dim);
  // By label (the hnswlib slot): the id and metadata, or undefined for a deleted slot.
  let ids: Array<string | undefined> = [];
  let metadata: Array<Metadata | undefined> = [];
  const labels = new Map<string, number>();
  const free: number[] = [];
  let recordedModel = model;
  let companion: string | undefined;
  let companionSource: (() => string) | undefined;
  // A float32 copy of every vector (normalised for cosine), by label: exact passes over a
  // filter's matches read it instead of crossing into hnswlib once per vector.
  let vectors = new Float32Array(capacity * dim);
  const byValue = new MetadataIndex();

  async function load(path: string): Promise<void> {
    const folder = await openGeneration(path);
    if (folder === undefined) {
      index.initIndex({ maxElements: capacity, m, efConstruction, randomSeed: seed });
      return;
    }
    const manifest = await readManifest(folder, path);
    if (manifest.dim !== dim) {
      throw new DimensionMismatchError({
        expected: dim,
        actual: manifest.dim,
        message: `Index at ${path} holds ${manifest.dim}-dimensional vectors but ${dim} were requested; open it with dim: ${manifest.dim} or re-index into a new directory`,
      });
    }
    if (model !== undefined && manifest.model !== undefined && manifest.model !== model) {
      throw new EmbeddingModelMismatchError({
        path,
        indexModel: manifest.model,
        requestedModel: model,
      });
    }
    if (manifest.space !== space) {
      throw new InvalidArgumentError({
        argument: 'space',
        message: `Index at ${path} uses the ${manifest.space} space but ${space} was requested`,
      });
    }
    companion = await readCompanion(folder, manifest, path);
    recordedModel = manifest.model ?? model;
    try {
      await index.readIndex(join(folder, INDEX_FILE));
    } catch (error) {
      throw new CorruptIndexError({
        path,
        reason: 'hnswlib could not read the index file',
        cause: error,
      });
    }
    const bytes = await readFile(join(folder, VECTORS_FILE));
    const slots = manifest.ids.length;
    if (
      bytes.byteLength !== slots * dim * 4 ||
      manifest.metadata?.length !== slots ||
      slots > index.getMaxElements() ||
      new Set(manifest.ids.filter((id) => id !== null)).size !==
        manifest.ids.filter((id) => id !== null).length
    ) {
      throw new CorruptIndexError({
        path,
        reason: 'the manifest, the vectors and the index do not agree',
      });
    }
    vectors = new Float32Array(index.getMaxElements() * dim);
    vectors.set(
      new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    );
    ids = manifest.ids.map((id) => id ?? undefined);
    metadata = manifest.metadata.map((entry) => entry ?? undefined);
    for (const [label, id] of ids.entries()) {
      if (id === undefined) free.push(label);
      else {
        labels.set(id, label);
        byValue.add(label, metadata[label] ?? {});
      }
    }
  }

  if (path === undefined) {
    index.initIndex({ maxElements: capacity, m, efConstruction, randomSeed: seed });
  } else {
    await withDirectoryLock(path, () => load(path));
  }

  function put(item: VectorItem): void {
    const existing = labels.get(item.id);
    const label = existing ?? free.pop() ?? ids.length;
    if (label >= index.getMaxElements()) {
      index.resizeIndex(index.getMaxElements() * 2);
      const grown = new Float32Array(index.getMaxElements() * dim);
      grown.set(vectors);
      vectors = grown;
    }
    // Re-adding a label updates its vector in place and clears a deletion mark.
    index.addPoint(Array.from(item.vector), label);
    vectors.set(prepare(space, item.vector), label * dim);
    const previous = metadata[label];
    if (previous !== undefined) byValue.remove(label, previous);
    ids[label] = item.id;
    // A frozen copy: the value index must not go stale when the caller's object changes.
    metadata[label] = deepFreeze(structuredClone(item.metadata ?? {}));
    byValue.add(label, metadata[label]);
    labels.set(item.id, label);
  }

  function exactSearch(query: Vector, candidates: readonly number[], k: number) {
    const prepared = prepare(space, query);
    const top = new TopK<number>(k);
    for (const label of candidates) {
      const row = vectors.subarray(label * dim, (label + 1) * dim);
      top.push(label, scoreOf(space, distance(space, prepared, row)), label);
    }
    return top.sorted().map(({ item, score }) => ({ label: item, score }));
  }

  /**
   * The best `k` of an hnswlib search for `fetch` hits (default `k`) that `keep` accepts;
   * `walk` filters inside hnswlib instead, called back for every node it visits.
   */
  function graphSearch(
    query: number[],
    {
      ef: searchEf,
      k,
      fetch = k,
      keep,
      walk,
    }: {
      ef: number;
      k: number;
      fetch?: number;
      keep?: (label: number) => boolean;
      walk?: (label: number) => boolean;
    },
  ) {
    index.setEf(searchEf);
    const { neighbors, distances } = index.searchKnn(query, fetch, walk);
    const found: Array<{ label: number; score: number }> = [];
    for (let i = 0; i < neighbors.length && found.length < k; i++) {
      const label = neighbors[i] as number;
      if (keep === undefined || keep(label)) {
        found.push({ label, score: scoreOf(space, distances[i] as number) });
      }
    }
    return found;
  }

  /** The live labels a filter matches: from the value index when it can answer, else a scan. */
  function matchesOf(filter: Filter, allowed: MetadataPredicate): number[] {
    const candidates = byValue.candidates(filter);
    const matches: number[] = [];
    const consider = (label: number) => {
      const entry = metadata[label];
      if (entry !== undefined && allowed(entry)) matches.push(label);
    };
    if (candidates === undefined) for (let label = 0; label < ids.length; label++) consider(label);
    else for (const label of candidates) consider(label);
    return matches;
  }

  /** How many vectors a filter matches: counted by the value index, else from a sample. */
  function estimateMatches(filter: Filter, allowed: MetadataPredicate): number {
    const counted = byValue.count(filter);
    if (counted !== undefined) return Math.min(counted, labels.size);
    const step = Math.max(1, Math.floor(ids.length / FILTER_SAMPLE));
    let live = 0;
    let hits = 0;
    for (let label = 0; label < ids.length; label += step) {
      const entry = metadata[label];
      if (entry === undefined) continue;
      live++;
      if (allowed(entry)) hits++;
    }
    return live === 0 ? labels.size : Math.ceil((labels.size * hits) / live);
  }

  /**
   * A filtered search as the cost model plans it. A graph search that comes back short (the
   * matches sit away from the query, or the count was an upper bound) is planned again from the
   * exact matches: hnswlib's filtered walk when there are still many, else (or when the walk
   * too comes back short) the exact scan, so k matches always give k results.
   */
  function filteredSearch(vector: Vector, filter: Filter, k: number, searchEf: number) {
    const allowed = compileFilter(filter) as MetadataPredicate;
    const accept = (label: number) => {
      const entry = metadata[label];
      return entry !== undefined && allowed(entry);
    };
    const plan = (matches: number) =>
      planFilteredSearch({ matches, size: labels.size, k, ef: searchEf, exactFilterFraction });
    const first = plan(estimateMatches(filter, allowed));
    const query = Array.from(vector);
    if (first.strategy === 'graph') {
      const found = graphSearch(query, { ef: first.ef, k, fetch: first.k, keep: accept });
      if (found.length === k) return found;
    }
    const matches = matchesOf(filter, allowed);
    if (first.strategy === 'graph' && plan(matches.length).strategy === 'graph') {
      const found = graphSearch(query, { ef: Math.max(searchEf, k), k, walk: accept });
      if (found.length === k) return found;
    }
    return exactSearch(vector, matches, Math.min(k, matches.length));
  }

  const store: HnswStore = {
    dim,
    space,
    get model() {
      return recordedModel;
    },
    get size() {
      return labels.size;
    },
    ...storeMethods(dim, labels, put, (label) => {
      index.markDelete(label);
      byValue.remove(label, metadata[label] ?? {});
      ids[label] = undefined;
      metadata[label] = undefined;
      free.push(label);
    }),
    search(vector, { k, filter, ef: searchEf = ef } = {}) {
      const wanted = resolveK(k);
      assertVector(vector, dim, 'query');
      assertNumber('ef', searchEf, { integer: true, min: 1 });
      if (labels.size === 0) return [];
      let found: Array<{ label: number; score: number }>;
      if (filter === undefined) {
        // The graph can miss vectors it no longer reaches after updates: fall back to exact.
        const want = Math.min(wanted, labels.size);
        found = graphSearch(Array.from(vector), { ef: Math.max(searchEf, want), k: want });
        if (found.length < want) found = exactSearch(vector, [...labels.values()], want);
      } else {
        found = filteredSearch(vector, filter, wanted, searchEf);
      }
      return found.map(({ label, score }) => ({
        id: ids[label] as string,
        score,
        metadata: metadata[label] as Metadata,
      }));
    },
    async save(target = path) {
      if (target === undefined) {
        throw new InvalidArgumentError({
          argument: 'path',
          message: 'This store has no path; pass save(directory) or create it with { path }',
        });
      }
      await saveGeneration(target, async (into) => {
        // Snapshot synchronously: mutations made while the files are written belong to the
        // next save, never half to this one.
        index.writeIndexSync(join(into, INDEX_FILE));
        const vectorBytes = new Uint8Array(vectors.buffer.slice(0, ids.length * dim * 4));
        const companionText = companionSource?.() ?? companion;
        const snapshot = {
          format: 'keel-hnsw-1',
          dim,
          space,
          ...(recordedModel !== undefined && { model: recordedModel }),
          m,
          efConstruction,
          capacity: index.getMaxElements(),
          ids: ids.map((id) => id ?? null),
          metadata: JSON.parse(JSON.stringify(metadata.map((entry) => entry ?? null))),
        } satisfies Omit<Manifest, 'indexSha256' | 'vectorsSha256'>;
        await writeFile(join(into, VECTORS_FILE), vectorBytes);
        if (companionText !== undefined) {
          await writeFile(join(into, COMPANION_FILE), companionText);
        }
        const manifest: Manifest = {
          ...snapshot,
          indexSha256: await fileDigest(join(into, INDEX_FILE)),
          vectorsSha256: await fileDigest(join(into, VECTORS_FILE)),
          ...(companionText !== undefined && { companionSha256: digestOf(companionText) }),
        };
        await writeFile(join(into, MANIFEST_FILE), JSON.stringify(manifest));
      });
    },
  };
  companions.set(store, {
    loaded: () => companion,
    provide: (source) => {
      companionSource = source;
    },
  });
  return store;
}
