/**
 * The searchable document collection: a @keel/retrieval retriever (local embedder, HNSW index
 * and BM25 on disk), fed incrementally. A manifest of content hashes beside the index means a
 * re-ingest embeds only files that changed, and drops files that were deleted.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Instrumentation, RequestMetadata } from '@keel/core';
import {
  AnalyzerMismatchError,
  type Chunk,
  createLocalEmbedder,
  createRetriever,
  EmbeddingModelMismatchError,
  type IngestProgress,
  type RetrievedChunk,
  type Retriever,
  readSavedChunks,
} from '@keel/retrieval';
import type { CleaningOptions } from './ingest-cleaning';
import {
  type HashedDocument,
  type IngestPlan,
  type ManifestEntry,
  planIngest,
  planRemoval,
  planUpload,
  type TenantLimits,
  tenantFilter,
  type UploadedDocument,
} from './ingest-plan';
import { formatOf } from './upload-extraction';

/** What an ingest did. */
export interface IngestReport {
  /** Files found. */
  scanned: number;
  /** Files (new or changed) chunked and embedded. */
  changed: number;
  /** Their ids. */
  indexed: string[];
  unchanged: number;
  /** Files gone since the last ingest, removed from the index. */
  removed: number;
  /** Chunks embedded. */
  chunks: number;
  /** Files refused (binary, invalid UTF-8), with why. */
  skipped: Array<{ id: string; reason: string }>;
  /**
   * Stored documents embedded again outside the plan (their chunks are in `chunks`), their
   * vectors being missing: after the embedding model changed, or when a replica without
   * pgvector stored them.
   */
  reembedded: number;
  /** Files embedded with secrets redacted (never when the corpus is trusted), and how many. */
  redacted: Array<{ id: string; secrets: number }>;
  /** Files embedded with sentences that read as instructions (never quoted), and how many. */
  flagged: Array<{ id: string; sentences: number }>;
  elapsedMs: number;
}

/** A document a user uploaded, as listed to that user. */
export interface TenantDocument {
  sourceId: string;
  /** The bytes of its text as indexed (after extraction and cleaning). */
  bytes: number;
  chunks: number;
}

/** A whole document, rebuilt from its chunks. */
export interface StoredDocument {
  sourceId: string;
  text: string;
  /** Its chunks, in order. */
  chunks: Chunk[];
}

/**
 * What the collection holds, beside its search: its documents and their chunks. A document
 * belongs to everyone (the corpus) or to one tenant (a user who uploaded it), and is read only
 * by that tenant.
 */
export interface Catalog {
  /** Documents and chunks indexed, every tenant's included. */
  count(): Promise<{ documents: number; chunks: number }>;
  /** The document, when it is the corpus's or `tenant`'s own. */
  document(sourceId: string, tenant?: string): Promise<StoredDocument | undefined>;
  /** The corpus's document ids (no tenant's), sorted. */
  sourceIds(): Promise<string[]>;
  /** The documents of `tenant`, sorted by id. */
  documentsOf(tenant: string): Promise<TenantDocument[]>;
}

/**
 * Applies a plan to a collection's index, one at a time: `plan` is given what is indexed now
 * (every tenant's), and its changed documents are indexed with their tenant.
 */
export type IndexUpdate = (
  plan: (indexed: ReadonlyMap<string, ManifestEntry>) => Promise<IngestPlan>,
  options?: {
    onProgress?: (progress: IngestProgress) => void;
    signal?: AbortSignal;
    /**
     * Also index again the stored documents whose index entries are missing, where the index
     * can tell (pgvector): a corpus ingest does, never a user's upload or removal, whose
     * progress and report that user sees.
     */
    repair?: boolean;
  },
) => Promise<IngestReport>;

/** The collection. */
export interface Knowledge extends Catalog {
  /**
   * Ingests files and folders (ids are paths relative to their common parent folder), each
   * cleaned (`ingest-cleaning.ts`), its secrets redacted unless `trusted`. Progress counts
   * only the changed files.
   */
  ingest(
    paths: readonly string[],
    options?: {
      onProgress?: (progress: IngestProgress) => void;
      signal?: AbortSignal;
    } & CleaningOptions,
  ): Promise<IngestReport>;
  /**
   * Adds (or replaces) `tenant`'s documents, cleaned as untrusted; `limits` bounds what the
   * tenant may hold, and a document past them is skipped with why.
   */
  upload(
    documents: readonly UploadedDocument[],
    options: {
      tenant: string;
      limits: TenantLimits;
      onProgress?: (progress: IngestProgress) => void;
      signal?: AbortSignal;
    },
  ): Promise<IngestReport>;
  /** Removes `tenant`'s document; false when the tenant has none by that id. */
  remove(sourceId: string, tenant: string): Promise<boolean>;
  /**
   * Hybrid (BM25 + vector) search over the corpus and `tenant`'s own documents (the corpus
   * alone without a tenant).
   */
  search(
    query: string,
    options?: {
      k?: number;
      tenant?: string;
      signal?: AbortSignal;
      instrumentation?: Instrumentation;
      metadata?: RequestMetadata;
    },
  ): Promise<RetrievedChunk[]>;
}

/** What an ingest indexes into: an in-process retriever, or one over stores on a server. */
export type IndexingRetriever = Pick<Retriever, 'ingest' | 'chunk'> & {
  remove(sourceId: string): number | Promise<number>;
};

/**
 * Indexes `changed` into `retriever` and records each in `manifest`; a document the retriever
 * refuses is dropped from both (an earlier readable version must not stay searchable).
 * Returns the chunks embedded and the refused documents with why.
 *
 * @example
 * ```ts
 * const { chunks, skipped } = await indexDocuments(retriever, manifest, plan.changed, {});
 * ```
 */
export async function indexDocuments(
  retriever: IndexingRetriever,
  manifest: Map<string, ManifestEntry>,
  changed: readonly HashedDocument[],
  { onProgress, signal }: { onProgress?: (progress: IngestProgress) => void; signal?: AbortSignal },
): Promise<{ chunks: number; skipped: Map<string, string> }> {
  const result = await retriever.ingest(changed, {
    signal,
    ...(onProgress && { onProgress }),
  });
  const skipped = new Map(result.skipped.map((entry) => [entry.id, entry.error.message]));
  for (const document of changed) {
    if (skipped.has(document.id)) {
      await retriever.remove(document.id);
      manifest.delete(document.id);
      continue;
    }
    let chunks = 0;
    while (retriever.chunk(`${document.id}#${chunks}`)) chunks++;
    const tenant = document.metadata?.tenant;
    manifest.set(document.id, {
      hash: document.hash,
      chunks,
      bytes: Buffer.byteLength(document.text),
      ...(typeof tenant === 'string' && { tenant }),
    });
  }
  return { chunks: result.chunks, skipped };
}

/** What {@link indexDocuments} indexed: chunks embedded, documents refused with why. */
type Indexed = Awaited<ReturnType<typeof indexDocuments>>;

/**
 * The report of an ingest planned by {@link planIngest}, indexed by {@link indexDocuments};
 * `stale`: how many stored documents were indexed again outside the plan, and what that did.
 *
 * @example
 * ```ts
 * return reportIngest(plan, await indexDocuments(retriever, manifest, plan.changed, {}), started);
 * ```
 */
export function reportIngest(
  { scanned, changed, gone, passed }: IngestPlan,
  { chunks, skipped }: Indexed,
  started: number,
  stale: Indexed & { documents: number } = { documents: 0, chunks: 0, skipped: new Map() },
): IngestReport {
  const indexed = changed.filter((document) => !skipped.has(document.id));
  return {
    scanned,
    changed: changed.length - skipped.size,
    indexed: indexed.map((document) => document.id),
    unchanged: scanned - changed.length,
    removed: gone.length,
    chunks: chunks + stale.chunks,
    skipped: [...passed, ...[...skipped, ...stale.skipped].map(([id, reason]) => ({ id, reason }))],
    redacted: indexed
      .filter((document) => (document.redactions ?? 0) > 0)
      .map((document) => ({ id: document.id, secrets: document.redactions as number })),
    flagged: indexed
      .filter((document) => (document.flaggedSentences ?? 0) > 0)
      .map((document) => ({ id: document.id, sentences: document.flaggedSentences as number })),
    reembedded: stale.documents - stale.skipped.size,
    elapsedMs: performance.now() - started,
  };
}

/**
 * A document from its chunks in order: their texts, each without what repeats the previous one.
 *
 * @example
 * ```ts
 * const document = storedDocument('guide.md', chunks); // document.text is the file's text
 * ```
 */
export function storedDocument(sourceId: string, chunks: Chunk[]): StoredDocument {
  return {
    sourceId,
    text: chunks.map((chunk) => chunk.text.slice(chunk.overlap)).join(''),
    chunks,
  };
}

/**
 * The catalog of an in-process retriever: its manifest and the chunks it holds.
 *
 * @example
 * ```ts
 * const { documents, chunks } = await localCatalog(retriever, manifest).count();
 * ```
 */
export function localCatalog(
  retriever: Pick<Retriever, 'chunk' | 'size'>,
  manifest: ReadonlyMap<string, ManifestEntry>,
): Catalog {
  return {
    count: async () => ({ documents: manifest.size, chunks: retriever.size }),
    async document(sourceId, tenant) {
      const entry = manifest.get(sourceId);
      if (!entry || (entry.tenant !== undefined && entry.tenant !== tenant)) return undefined;
      const chunks: Chunk[] = [];
      for (let index = 0; index < entry.chunks; index++) {
        const chunk = retriever.chunk(`${sourceId}#${index}`);
        if (chunk) chunks.push(chunk);
      }
      return storedDocument(sourceId, chunks);
    },
    sourceIds: async () =>
      [...manifest]
        .filter(([, entry]) => entry.tenant === undefined)
        .map(([id]) => id)
        .sort(),
    documentsOf: async (tenant) =>
      [...manifest]
        .filter(([, entry]) => entry.tenant === tenant)
        .map(([sourceId, entry]) => ({ sourceId, bytes: entry.bytes ?? 0, chunks: entry.chunks }))
        .sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1)),
  };
}

/**
 * The collection: hybrid search with `retriever` (the corpus and the asking tenant's own
 * documents), what it holds from `catalog`, changed through `update`.
 *
 * @example
 * ```ts
 * const knowledge = knowledgeOver(retriever, localCatalog(retriever, manifest), updateIndex);
 * ```
 */
export function knowledgeOver(
  retriever: Pick<Retriever, 'retrieve'>,
  catalog: Catalog,
  update: IndexUpdate,
): Knowledge {
  return {
    ingest: (paths, { trusted, ...options } = {}) =>
      update((indexed) => planIngest(paths, indexed, { trusted }), { ...options, repair: true }),
    upload: (documents, { tenant, limits, ...options }) =>
      update(async (indexed) => planUpload(documents, indexed, { tenant, limits }), options),
    async remove(sourceId, tenant) {
      const report = await update(async (indexed) => planRemoval(sourceId, indexed, tenant));
      return report.removed > 0;
    },
    count: () => catalog.count(),
    document: (sourceId, tenant) => catalog.document(sourceId, tenant),
    sourceIds: () => catalog.sourceIds(),
    documentsOf: (tenant) => catalog.documentsOf(tenant),
    search(query, { k = 6, tenant, signal, instrumentation, metadata } = {}) {
      return retriever.retrieve(query, {
        k,
        mode: 'hybrid',
        filter: tenantFilter(tenant),
        ...(signal && { signal }),
        ...(instrumentation && { instrumentation }),
        ...(metadata && { metadata }),
      });
    },
  };
}

/**
 * How the app's retrievers fuse their rankings: `@keel/retrieval`'s default lists and weights
 * (BM25 1, headings 0.5) with a broader constant (k 10, not 2) and more weight on the vectors
 * (0.5, not 0.25), since the answerer reads 20 chunks a search, not the first few. On `eval/`
 * (facts found, every fact, cites relevant, unanswerable declined): this 0.833, 0.758, 0.980,
 * 0.958; the library default 0.810, 0.745, 0.980, 0.958; the earlier k 60 with every weight 1
 * 0.810, 0.732, 0.954, 0.917.
 */
const ANSWER_FUSION = { k: 10, vectorWeight: 0.5 };

/**
 * How the app's indexes read text beyond `@keel/retrieval`'s defaults: British and American
 * spellings as one (the docs write `normalise`, their code `normalizeAnthropicUsage`, and a user
 * either), by the lexical index (in process or PostgreSQL's) and the local embedder alike.
 */
export const ANSWER_ANALYSIS = { spelling: true };

/** What the app's retrievers are made with: {@link ANSWER_FUSION} and {@link ANSWER_ANALYSIS}. */
export function answerRetrieval() {
  return {
    hybrid: ANSWER_FUSION,
    bm25: ANSWER_ANALYSIS,
    embedder: createLocalEmbedder({ analyzer: ANSWER_ANALYSIS }),
  };
}

/**
 * Uploads again, each document whole, the users' documents whose `chunks` a dropped index held:
 * no corpus folder brings them back.
 */
async function uploadAgain(knowledge: Knowledge, chunks: readonly Chunk[]): Promise<void> {
  const byTenant = new Map<string, Map<string, Chunk[]>>();
  for (const chunk of chunks) {
    const tenant = chunk.metadata?.tenant;
    if (typeof tenant !== 'string') continue;
    const documents = byTenant.get(tenant) ?? new Map<string, Chunk[]>();
    byTenant.set(tenant, documents);
    documents.set(chunk.sourceId, [...(documents.get(chunk.sourceId) ?? []), chunk]);
  }
  // They were within the limits when uploaded.
  const limits = { maxDocuments: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY };
  for (const [tenant, documents] of byTenant) {
    const uploads = [...documents].map(([id, parts]) => ({
      id,
      text: storedDocument(
        id,
        parts.sort((a, b) => a.index - b.index),
      ).text,
      format: formatOf(id),
    }));
    await knowledge.upload(uploads, { tenant, limits });
  }
}

/**
 * Opens (or creates) the collection stored in `directory`. An index built by an earlier
 * embedder or analyzer (an upgrade changed its features or terms) is dropped, never mixed with
 * new vectors: the users' uploads it held are read from it and indexed again at once, the
 * corpus by the next ingest.
 */
export async function openKnowledge(directory: string): Promise<Knowledge> {
  let uploads: Chunk[] = [];
  const retriever = await createRetriever({ directory, ...answerRetrieval() }).catch(
    async (error: unknown) => {
      if (
        !EmbeddingModelMismatchError.isInstance(error) &&
        !AnalyzerMismatchError.isInstance(error)
      )
        throw error;
      uploads = await readSavedChunks(directory);
      await rm(directory, { recursive: true, force: true });
      return createRetriever({ directory, ...answerRetrieval() });
    },
  );
  const manifestPath = join(directory, 'manifest.json');
  const manifest = new Map<string, ManifestEntry>(
    existsSync(manifestPath)
      ? Object.entries(JSON.parse(await readFile(manifestPath, 'utf8')) as object)
      : [],
  );

  async function saveManifest(): Promise<void> {
    const temporary = `${manifestPath}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(Object.fromEntries(manifest)));
    await rename(temporary, manifestPath);
  }

  // Ingests and uploads change the index one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const knowledge = knowledgeOver(
    retriever,
    localCatalog(retriever, manifest),
    (planFor, options = {}) => {
      const next = queue.then(async () => {
        const { onProgress, signal } = options;
        const started = performance.now();
        const plan = await planFor(manifest);
        const { changed, gone } = plan;
        for (const id of gone) {
          retriever.remove(id);
          manifest.delete(id);
        }
        const indexed = await indexDocuments(retriever, manifest, changed, {
          ...(onProgress && { onProgress }),
          ...(signal && { signal }),
        });
        if (changed.length > 0 || gone.length > 0) {
          await retriever.save();
          await saveManifest();
        }
        return reportIngest(plan, indexed, started);
      });
      queue = next.catch(() => {});
      return next;
    },
  );
  await uploadAgain(knowledge, uploads);
  return knowledge;
}
