/**
 * The retrieval pipeline: documents in (chunk, embed, index in a vector store and BM25), ranked
 * chunks out (vector, BM25 or hybrid by reciprocal-rank fusion, filtered on every side, with
 * near-duplicate removal, an optional rerank hook and MMR), saved to a directory and reopened.
 */
import { rm } from 'node:fs/promises';
import {
  type Instrumentation,
  InvalidArgumentError,
  systemClock,
  throwIfAborted,
} from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { createAnalyzer } from './analyze';
import { formatAnalyzer } from './analyzer-descriptor';
import { AnalyzerMismatchError } from './analyzer-mismatch-error';
import { createBm25Index } from './bm25-index';
import { chunkDocument } from './chunk-document';
import { chunkFields } from './chunk-fields';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { createEmbeddingCache, withEmbeddingCache } from './embedding-cache';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import { companionOf, createHnswStore } from './hnsw-store';
import { fuseHybrid, hybridSettings } from './hybrid-fusion';
import { createLocalEmbedder } from './local-embedder';
import { maximalMarginalRelevance } from './maximal-marginal-relevance';
import { removeNearDuplicates } from './remove-near-duplicates';
import type {
  IngestResult,
  RetrievalMode,
  RetrieveOptions,
  Retriever,
  RetrieverOptions,
  SharedRetriever,
  SharedRetrieverOptions,
} from './retriever-options';
import { saveChunks, savedChunksIn, serializeChunks } from './saved-chunks';
import type { Chunk } from './types';
import { UnsupportedDocumentError } from './unsupported-document-error';
import { assertVector } from './validate-vector';
import type { AsyncVectorStore, VectorStore } from './vector-store';

/** The text embedded and indexed for a chunk: its heading path or imports, then its text. */
export function indexedText(chunk: Chunk): string {
  const context = chunk.headingPath?.join(' > ') ?? chunk.imports ?? '';
  return context === '' ? chunk.text : `${context}\n${chunk.text}`;
}

function reportSafely(action: () => void): void {
  try {
    action();
  } catch {
    // Instrumentation and progress callbacks never break retrieval.
  }
}

/** Query vectors kept in memory per retriever. */
const QUERY_CACHE_SIZE = 1_000;

/**
 * Creates a retriever; with `directory`, reopens what was saved there. Given a store or a text
 * index on a server (`@keel/retrieval/postgres`), its writes are awaited and `remove` returns a
 * promise.
 *
 * @throws EmbeddingModelMismatchError when `directory` was indexed with another embedder;
 * AnalyzerMismatchError when its lexical index was built with other analyzer options (`bm25`).
 * @example
 * ```ts
 * const retriever = await createRetriever({ directory: '.keel/docs' });
 * await retriever.ingest(documents, { onProgress: (p) => bar.update(p.documents) });
 * const results = await retriever.retrieve('how do I rotate keys?', { k: 5, filter: { tenant: 'acme' } });
 * await retriever.save();
 * ```
 */
export async function createRetriever(options: SharedRetrieverOptions): Promise<SharedRetriever>;
export async function createRetriever(options?: RetrieverOptions): Promise<Retriever>;
export async function createRetriever({
  embedder: baseEmbedder = createLocalEmbedder(),
  store: givenStore,
  directory,
  text,
  fetchChunks,
  chunking,
  bm25: bm25Options,
  cache,
  hybrid: hybridOptions,
  clock = systemClock,
}: Omit<RetrieverOptions, 'store'> & {
  store?: VectorStore | AsyncVectorStore;
  text?: SharedRetrieverOptions['text'];
  fetchChunks?: SharedRetrieverOptions['fetchChunks'];
} = {}): Promise<
  Omit<Retriever, 'store' | 'remove'> & {
    store: VectorStore | AsyncVectorStore;
    remove(sourceId: string): number | Promise<number>;
  }
> {
  const hybrid = hybridSettings(hybridOptions);
  const embeddingCache =
    cache === false
      ? undefined
      : (cache ??
        (await createEmbeddingCache(
          directory === undefined ? {} : { path: `${directory}/embeddings.bin` },
        )));
  const embedder = embeddingCache ? withEmbeddingCache(baseEmbedder, embeddingCache) : baseEmbedder;
  const store =
    givenStore ??
    (await createHnswStore({
      dim: baseEmbedder.dimensions,
      model: baseEmbedder.modelId,
      ...(directory !== undefined && { path: `${directory}/vectors` }),
    }));
  if (directory !== undefined && givenStore !== undefined && !('save' in givenStore)) {
    throw new InvalidArgumentError({
      argument: 'store',
      message:
        'A retriever with a directory needs a store that can save (createHnswStore); leave store out to get one',
    });
  }
  if (directory !== undefined && text !== undefined) {
    throw new InvalidArgumentError({
      argument: 'text',
      message:
        'A retriever with a directory keeps its lexical index there; leave out text, or directory when the index lives on a server',
    });
  }
  // Any part on a server makes every write awaited; in-process parts stay synchronous.
  const shared = text !== undefined || !('size' in store);
  if (store.dim !== baseEmbedder.dimensions) {
    throw new DimensionMismatchError({
      expected: store.dim,
      actual: baseEmbedder.dimensions,
      message: `The store holds ${store.dim}-dimensional vectors but embedder "${baseEmbedder.modelId}" makes ${baseEmbedder.dimensions}; use matching ones`,
    });
  }
  if (store.model !== undefined && store.model !== baseEmbedder.modelId) {
    throw new EmbeddingModelMismatchError({
      path: 'table' in store ? String(store.table) : (directory ?? 'the given store'),
      indexModel: store.model,
      requestedModel: baseEmbedder.modelId,
      message: `The store holds vectors of embedding model "${store.model}" but embedder "${baseEmbedder.modelId}" was given; use the embedder the vectors were made with, or another store`,
    });
  }
  const lexicalOptions = { identifiers: true, ...bm25Options };
  const bm25 = createBm25Index(lexicalOptions);
  const analyzer = createAnalyzer(lexicalOptions).descriptor;
  const chunks = new Map<string, Chunk>();
  const bySource = new Map<string, string[]>();

  function index(chunk: Chunk): void {
    chunks.set(chunk.id, chunk);
    const ids = bySource.get(chunk.sourceId) ?? [];
    ids.push(chunk.id);
    bySource.set(chunk.sourceId, ids);
  }

  if (directory !== undefined && 'size' in store) {
    // The HNSW store keeps the chunks in the generation of its vectors, swapped in together.
    // Another store saves them in a file beside it, chunks then vectors: keep only what both
    // sides hold.
    const saved = await savedChunksIn(directory, companionOf(store)?.loaded());
    // An index saved before analyzers were recorded opens with the analyzer asked for: its
    // lexical index is built again from the chunks' text below, and the next save records it.
    const indexAnalyzer = saved?.analyzer;
    if (indexAnalyzer && formatAnalyzer(indexAnalyzer) !== formatAnalyzer(analyzer)) {
      throw new AnalyzerMismatchError({
        path: directory,
        indexAnalyzer,
        requestedAnalyzer: analyzer,
      });
    }
    const live = new Set(store.ids());
    const savedChunks = saved?.chunks ?? [];
    const savedIds = new Set(savedChunks.map((chunk) => chunk.id));
    store.delete([...live].filter((id) => !savedIds.has(id)));
    const kept = savedChunks.filter((chunk) => live.has(chunk.id));
    for (const chunk of kept) index(chunk);
    bm25.add(
      kept.map((chunk) => ({
        id: chunk.id,
        text: indexedText(chunk),
        fields: chunkFields(chunk),
        metadata: chunk.metadata,
      })),
    );
  }

  // The HNSW store snapshots the chunks in the same tick as its vectors on every save.
  companionOf(store)?.provide(() => serializeChunks([...chunks.values()], analyzer));

  function forget(sourceId: string, ids: readonly string[]): number {
    for (const id of ids) chunks.delete(id);
    bySource.delete(sourceId);
    return ids.length;
  }

  function remove(sourceId: string): number {
    const ids = bySource.get(sourceId) ?? [];
    (store as VectorStore).delete(ids);
    for (const id of ids) bm25.remove(id);
    return forget(sourceId, ids);
  }

  /** Removes from the server first: a failed delete leaves the chunks searchable here too. */
  async function removeShared(sourceId: string): Promise<number> {
    const ids = bySource.get(sourceId) ?? [];
    await Promise.all([store.delete(ids), text?.remove(ids)]);
    if (text === undefined) for (const id of ids) bm25.remove(id);
    return forget(sourceId, ids);
  }

  // Queries skip the embedding cache, which is for chunks: it keeps every entry (on disk, with a
  // directory), and a stream of questions would grow it without bound. A small in-memory LRU
  // still spares the embedder repeated questions.
  const queryVectors = new Map<string, Float32Array>();
  async function embedQuery(query: string, signal?: AbortSignal) {
    const known = queryVectors.get(query);
    if (known) {
      queryVectors.delete(query);
      queryVectors.set(query, known);
      return known;
    }
    const vector = (await baseEmbedder.embed([query], { signal }))[0] as Float32Array;
    queryVectors.set(query, vector);
    if (queryVectors.size > QUERY_CACHE_SIZE) {
      queryVectors.delete(queryVectors.keys().next().value as string);
    }
    return vector;
  }

  async function candidatesFor(
    query: string,
    mode: RetrievalMode,
    count: number,
    options: RetrieveOptions,
  ) {
    const filter = options.filter;
    const [vectorHits, lexicalHits] = await Promise.all([
      mode === 'bm25'
        ? []
        : embedQuery(query, options.signal).then((vector) =>
            store.search(vector, { k: count, ...(filter && { filter }) }),
          ),
      mode === 'vector'
        ? []
        : (text ?? bm25).search(query, { k: count, ...(filter && { filter }) }),
    ]);
    if (mode !== 'hybrid') {
      const ranked = mode === 'vector' ? vectorHits : lexicalHits;
      const known = await chunksOf(ranked.map((hit) => hit.id));
      return ranked.map(({ id, score }) => ({ chunk: known.get(id) as Chunk, score }));
    }
    const lists = [vectorHits.map((hit) => hit.id), lexicalHits.map((hit) => hit.id)] as const;
    const known = await chunksOf([...new Set(lists.flat())]);
    const { headingWeight = hybrid.headingWeight } = options;
    const ranked = fuseHybrid(query, lists, known, { ...hybrid, headingWeight });
    return ranked.map(({ id, score }) => ({ chunk: known.get(id) as Chunk, score }));
  }

  /** The chunks of `ids` ingested here, and the others (another replica's) from `fetchChunks`. */
  async function chunksOf(ids: readonly string[]): Promise<Map<string, Chunk>> {
    const known = new Map<string, Chunk>();
    const missing: string[] = [];
    for (const id of ids) {
      const chunk = chunks.get(id);
      if (chunk === undefined) missing.push(id);
      else known.set(id, chunk);
    }
    if (missing.length > 0 && fetchChunks !== undefined) {
      for (const chunk of await fetchChunks(missing)) known.set(chunk.id, chunk);
    }
    return known;
  }

  async function run(query: string, options: RetrieveOptions, k: number, mode: RetrievalMode) {
    const { dedupe = 0.9, mmr, rerank, signal } = options;
    throwIfAborted(signal);
    let results = (await candidatesFor(query, mode, options.candidates ?? k * 4, options)).filter(
      (result) => result.chunk !== undefined,
    );
    if (dedupe !== false) {
      results = removeNearDuplicates(results, {
        text: (result) => result.chunk.text,
        threshold: dedupe,
      });
    }
    if (rerank) {
      const rerankFunction = typeof rerank === 'function' ? rerank : rerank.rerank.bind(rerank);
      results = await rerankFunction(query, results, { ...(signal && { signal }) });
      throwIfAborted(signal);
    }
    if (mmr && results.length > k) {
      const vectors = await embedder.embed(
        results.map((result) => indexedText(result.chunk)),
        { signal },
      );
      results = maximalMarginalRelevance({
        query: await embedQuery(query, signal),
        candidates: results.map((result, i) => ({
          item: result,
          vector: vectors[i] as Float32Array,
        })),
        k,
        ...(typeof mmr === 'object' && mmr.lambda !== undefined && { lambda: mmr.lambda }),
      });
    }
    return results.slice(0, k);
  }

  return {
    embedder: baseEmbedder,
    store,
    get size() {
      return chunks.size;
    },
    chunk(id) {
      return chunks.get(id);
    },
    remove: shared ? removeShared : remove,
    async ingest(documents, { onProgress, batchSize = 256, signal } = {}) {
      assertNumber('batchSize', batchSize, { integer: true, min: 1 });
      const startedAt = clock.now();
      const totalDocuments = Array.isArray(documents) ? documents.length : undefined;
      const result: IngestResult = { documents: 0, chunks: 0, skipped: [] };
      let embeddings = 0;
      let bytes = 0;
      let pending: Chunk[] = [];

      const report = () => {
        if (!onProgress) return;
        const elapsedMs = clock.now() - startedAt;
        const seconds = Math.max(elapsedMs, 1) / 1000;
        reportSafely(() =>
          onProgress({
            documents: result.documents,
            ...(totalDocuments !== undefined && { totalDocuments }),
            chunks: result.chunks,
            embeddings,
            bytes,
            elapsedMs,
            chunksPerSecond: embeddings / seconds,
            bytesPerSecond: bytes / seconds,
          }),
        );
      };

      // Documents seen again: their earlier version goes once the new one is embedded, so a
      // failed embedding leaves the earlier version searchable.
      let replaced = new Set<string>();

      const flush = async () => {
        if (pending.length === 0 && replaced.size === 0) return;
        const batch = pending;
        const replacing = replaced;
        pending = [];
        replaced = new Set();
        const vectors =
          batch.length === 0 ? [] : await embedder.embed(batch.map(indexedText), { signal });
        for (const [i, chunk] of batch.entries()) {
          assertVector(vectors[i] as Float32Array, store.dim, `embedding of "${chunk.id}"`);
        }
        for (const sourceId of replacing) await (shared ? removeShared : remove)(sourceId);
        const lexical = batch.map((chunk) => ({
          id: chunk.id,
          text: indexedText(chunk),
          fields: chunkFields(chunk),
          metadata: chunk.metadata,
        }));
        await Promise.all([
          store.upsert(
            batch.map((chunk, i) => ({
              id: chunk.id,
              vector: vectors[i] as Float32Array,
              metadata: chunk.metadata,
            })),
          ),
          (text ?? bm25).add(lexical),
        ]);
        for (const chunk of batch) index(chunk);
        embeddings += batch.length;
        report();
      };

      for await (const document of documents) {
        throwIfAborted(signal);
        let documentChunks: Chunk[];
        try {
          documentChunks = await chunkDocument(document, chunking);
        } catch (error) {
          if (!UnsupportedDocumentError.isInstance(error)) throw error;
          result.skipped.push({ id: document.id, error });
          result.documents++;
          continue;
        }
        // A document seen again replaces its earlier version, indexed or still pending.
        replaced.add(document.id);
        pending = pending.filter((chunk) => chunk.sourceId !== document.id);
        result.documents++;
        result.chunks += documentChunks.length;
        bytes +=
          typeof document.text === 'string' ? document.text.length : document.text.byteLength;
        pending.push(...documentChunks);
        if (pending.length >= batchSize) await flush();
      }
      await flush();
      report();
      return result;
    },
    async retrieve(query, options = {}) {
      const {
        k = 5,
        mode = 'hybrid',
        instrumentation,
        metadata,
        recordQuery = false,
        signal,
      } = options;
      if (typeof query !== 'string') {
        throw new InvalidArgumentError({
          argument: 'query',
          message: `query must be a string, got ${typeof query}`,
        });
      }
      assertNumber('k', k, { integer: true, min: 1 });
      if (options.headingWeight !== undefined) {
        assertNumber('headingWeight', options.headingWeight, { min: 0 });
      }
      if (mode !== 'vector' && mode !== 'bm25' && mode !== 'hybrid') {
        throw new InvalidArgumentError({
          argument: 'mode',
          message: `mode must be 'vector', 'bm25' or 'hybrid', got ${JSON.stringify(mode)}`,
        });
      }
      let observer: ReturnType<NonNullable<Instrumentation['startRetrieval']>> | undefined;
      reportSafely(() => {
        observer = instrumentation?.startRetrieval?.({
          mode,
          k,
          ...(metadata && { metadata }),
          ...(recordQuery && { query }),
        });
      });
      try {
        const results = await run(query, options, k, mode);
        reportSafely(() =>
          observer?.end({
            outcome: 'ok',
            resultCount: results.length,
            ...(results[0] && { topScore: results[0].score }),
          }),
        );
        return results;
      } catch (error) {
        const aborted = signal?.aborted === true;
        reportSafely(() =>
          observer?.end({
            outcome: aborted ? 'abort' : 'error',
            resultCount: 0,
            ...(!aborted &&
              error instanceof Error && { errorType: error.name, errorMessage: error.message }),
          }),
        );
        throw error;
      }
    },
    async save() {
      if (directory === undefined) {
        throw new InvalidArgumentError({
          argument: 'directory',
          message: 'This retriever has no directory; create it with { directory } to save',
        });
      }
      const companion = companionOf(store);
      if (companion === undefined) {
        await saveChunks(`${directory}/chunks.json`, [...chunks.values()], analyzer);
      }
      if ('save' in store && typeof store.save === 'function') await store.save();
      // A chunk file beside the vectors is from before chunks were saved with them.
      if (companion !== undefined) await rm(`${directory}/chunks.json`, { force: true });
      await embeddingCache?.flush();
    },
  };
}
