/**
 * The searchable document collection: a @keel/retrieval retriever (local embedder, HNSW index
 * and BM25 on disk), fed incrementally. A manifest of content hashes beside the index means a
 * re-ingest embeds only files that changed, and drops files that were deleted.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Instrumentation, RequestMetadata } from '@keel/core';
import {
  AnalyzerMismatchError,
  type Chunk,
  createRetriever,
  type Document,
  EmbeddingModelMismatchError,
  type IngestProgress,
  type RetrievedChunk,
  type Retriever,
  readFolder,
} from '@keel/retrieval';
import { type CleaningOptions, cleanContent, cleaningTag } from './ingest-cleaning';

/** File extensions ingested from folders: markdown, text and code. */
export const INGESTED_EXTENSIONS = [
  '.md',
  '.mdx',
  '.markdown',
  '.txt',
  '.rst',
  '.ts',
  '.tsx',
  '.js',
  '.mjs',
  '.cjs',
  '.py',
  '.go',
  '.rs',
  '.java',
  '.rb',
  '.c',
  '.h',
  '.cpp',
  '.cs',
  '.sh',
  '.sql',
];

/** What an ingest did. */
export interface IngestReport {
  /** Files found. */
  scanned: number;
  /** Files (new or changed) chunked and embedded. */
  changed: number;
  unchanged: number;
  /** Files gone since the last ingest, removed from the index. */
  removed: number;
  /** Chunks embedded. */
  chunks: number;
  /** Files refused (binary, invalid UTF-8), with why. */
  skipped: Array<{ id: string; reason: string }>;
  /** Files embedded with secrets redacted (never when the corpus is trusted), and how many. */
  redacted: Array<{ id: string; secrets: number }>;
  /** Files embedded with sentences that read as instructions (never quoted), and how many. */
  flagged: Array<{ id: string; sentences: number }>;
  elapsedMs: number;
}

/** A whole document, rebuilt from its chunks. */
export interface StoredDocument {
  sourceId: string;
  text: string;
  /** Its chunks, in order. */
  chunks: Chunk[];
}

/** What the collection holds, beside its search: its documents and their chunks. */
export interface Catalog {
  /** Documents and chunks indexed. */
  count(): Promise<{ documents: number; chunks: number }>;
  document(sourceId: string): Promise<StoredDocument | undefined>;
  /** Every document id, sorted. */
  sourceIds(): Promise<string[]>;
}

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
  /** Hybrid (BM25 + vector) search. */
  search(
    query: string,
    options?: {
      k?: number;
      signal?: AbortSignal;
      instrumentation?: Instrumentation;
      metadata?: RequestMetadata;
    },
  ): Promise<RetrievedChunk[]>;
}

/** What the collection knows of an indexed document. */
export interface ManifestEntry {
  /** The {@link HashedDocument.hash} it was indexed with. */
  hash: string;
  chunks: number;
}

/** What an ingest indexes into: an in-process retriever, or one over stores on a server. */
export type IndexingRetriever = Pick<Retriever, 'ingest' | 'chunk'> & {
  remove(sourceId: string): number | Promise<number>;
};

/** A document read for ingestion, cleaned, with the hash of its content. */
export interface HashedDocument extends Document {
  /**
   * The SHA-256 of the file as read, then the cleaning it is indexed with (`<hex>:clean2`):
   * a file indexed again when it changes, and when the cleaning does (trust flipped, a new
   * cleaning version).
   */
  hash: string;
  /** Secrets the cleaning redacted. */
  redactions?: number;
  /** Sentences the cleaning flagged as instruction-like. */
  flaggedSentences?: number;
}

/** The folder two or more paths share (each path's own folder for files and folders alike). */
function commonParent(paths: readonly string[]): string {
  const parts = paths.map((path) => dirname(path).split(sep));
  const first = parts[0] ?? [];
  let length = first.length;
  for (const other of parts) {
    let same = 0;
    while (same < Math.min(length, other.length) && other[same] === first[same]) same++;
    length = same;
  }
  return first.slice(0, length).join(sep) || sep;
}

function toId(base: string, path: string): string {
  return relative(base, path).split(sep).join('/');
}

async function* scan(
  paths: readonly string[],
  onSkip: (file: { id: string; reason: string }) => void,
): AsyncGenerator<Document> {
  const base = commonParent(paths);
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const prefix = toId(base, path);
      const skip = ({ id, reason }: { id: string; reason: string }) =>
        onSkip({ id: `${prefix}/${id}`, reason });
      for await (const document of readFolder(path, {
        extensions: INGESTED_EXTENSIONS,
        onSkip: skip,
      })) {
        yield { ...document, id: `${prefix}/${document.id}` };
      }
    } else {
      yield { id: toId(base, path), text: await readFile(path) };
    }
  }
}

/**
 * Reads `paths` and compares them with `known` (document id to {@link HashedDocument.hash}):
 * the documents new or changed (or cleaned otherwise than `cleaning` says), cleaned, how many
 * were found, and the known ones gone from the folders and files given.
 *
 * @throws Error naming paths that do not exist.
 * @example
 * ```ts
 * const { changed, gone } = await planIngest(['./docs'], new Map([['docs/a.md', 'e3b0…:clean2']]));
 * ```
 */
export async function planIngest(
  paths: readonly string[],
  known: ReadonlyMap<string, string>,
  cleaning: CleaningOptions = {},
): Promise<{
  scanned: number;
  changed: HashedDocument[];
  gone: string[];
  /** Files of the folders left out (not a type it ingests), with why. */
  passed: Array<{ id: string; reason: string }>;
}> {
  const base = commonParent(paths);
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(`Nothing to ingest at ${missing.join(', ')}: check the path`);
  }
  const scopes = await Promise.all(
    paths.map(async (path) => ({
      id: toId(base, path),
      folder: (await stat(path)).isDirectory(),
    })),
  );
  const tag = cleaningTag(cleaning);
  const seen = new Set<string>();
  const changed: HashedDocument[] = [];
  const passed: Array<{ id: string; reason: string }> = [];
  for await (const document of scan(paths, (file) => passed.push(file))) {
    seen.add(document.id);
    const content = createHash('sha256')
      .update(
        typeof document.text === 'string'
          ? document.text
          : Buffer.from(document.text).toString('latin1'),
      )
      .digest('hex');
    const hash = `${content}:${tag}`;
    if (known.get(document.id) === hash) continue;
    // Content the retriever refuses is passed as read, for it to say why.
    const cleaned = cleanContent(document.text, cleaning);
    changed.push(
      cleaned
        ? {
            ...document,
            text: cleaned.text,
            hash,
            redactions: cleaned.redactions,
            flaggedSentences: cleaned.flaggedSentences,
          }
        : { ...document, hash },
    );
  }
  const gone = [...known.keys()].filter(
    (id) =>
      !seen.has(id) &&
      scopes.some((scope) => (scope.folder ? id.startsWith(`${scope.id}/`) : id === scope.id)),
  );
  return { scanned: seen.size, changed, gone, passed };
}

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
    manifest.set(document.id, { hash: document.hash, chunks });
  }
  return { chunks: result.chunks, skipped };
}

/**
 * The report of an ingest planned by {@link planIngest}, indexed by {@link indexDocuments}.
 *
 * @example
 * ```ts
 * return reportIngest(plan, await indexDocuments(retriever, manifest, plan.changed, {}), started);
 * ```
 */
export function reportIngest(
  { scanned, changed, gone, passed }: Awaited<ReturnType<typeof planIngest>>,
  { chunks, skipped }: Awaited<ReturnType<typeof indexDocuments>>,
  started: number,
): IngestReport {
  const indexed = changed.filter((document) => !skipped.has(document.id));
  return {
    scanned,
    changed: changed.length - skipped.size,
    unchanged: scanned - changed.length,
    removed: gone.length,
    chunks,
    skipped: [...passed, ...[...skipped].map(([id, reason]) => ({ id, reason }))],
    redacted: indexed
      .filter((document) => (document.redactions ?? 0) > 0)
      .map((document) => ({ id: document.id, secrets: document.redactions as number })),
    flagged: indexed
      .filter((document) => (document.flaggedSentences ?? 0) > 0)
      .map((document) => ({ id: document.id, sentences: document.flaggedSentences as number })),
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
    async document(sourceId) {
      const entry = manifest.get(sourceId);
      if (!entry) return undefined;
      const chunks: Chunk[] = [];
      for (let index = 0; index < entry.chunks; index++) {
        const chunk = retriever.chunk(`${sourceId}#${index}`);
        if (chunk) chunks.push(chunk);
      }
      return storedDocument(sourceId, chunks);
    },
    sourceIds: async () => [...manifest.keys()].sort(),
  };
}

/**
 * The collection: hybrid search with `retriever`, what it holds from `catalog`, fed by `ingest`.
 *
 * @example
 * ```ts
 * const knowledge = knowledgeOver(retriever, localCatalog(retriever, manifest), ingestInto);
 * ```
 */
export function knowledgeOver(
  retriever: Pick<Retriever, 'retrieve'>,
  catalog: Catalog,
  ingest: Knowledge['ingest'],
): Knowledge {
  return {
    ingest,
    count: () => catalog.count(),
    document: (sourceId) => catalog.document(sourceId),
    sourceIds: () => catalog.sourceIds(),
    search(query, { k = 6, signal, instrumentation, metadata } = {}) {
      return retriever.retrieve(query, {
        k,
        mode: 'hybrid',
        ...(signal && { signal }),
        ...(instrumentation && { instrumentation }),
        ...(metadata && { metadata }),
      });
    },
  };
}

/**
 * How the app's retrievers fuse their rankings: the broad fusion (k 60, every list weighing 1)
 * rather than `@keel/retrieval`'s sharper default. On `eval/` the two are within 0.01 of each
 * other on facts found and answers with every fact (this one slightly ahead), while the
 * default cites a relevant document more often (0.98 against 0.95).
 */
export const ANSWER_FUSION = { k: 60, vectorWeight: 1, bm25Weight: 1, headingWeight: 1 };

/**
 * Opens (or creates) the collection stored in `directory`. An index built by an earlier
 * embedder or analyzer (an upgrade changed its features or terms) is dropped and built again
 * by the next ingest, never mixed with new vectors.
 */
export async function openKnowledge(directory: string): Promise<Knowledge> {
  const retriever = await createRetriever({ directory, hybrid: ANSWER_FUSION }).catch(
    async (error: unknown) => {
      if (
        !EmbeddingModelMismatchError.isInstance(error) &&
        !AnalyzerMismatchError.isInstance(error)
      )
        throw error;
      await rm(directory, { recursive: true, force: true });
      return createRetriever({ directory, hybrid: ANSWER_FUSION });
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

  return knowledgeOver(
    retriever,
    localCatalog(retriever, manifest),
    async (paths, { onProgress, signal, trusted } = {}) => {
      const started = performance.now();
      const known = new Map([...manifest].map(([id, entry]) => [id, entry.hash]));
      const plan = await planIngest(paths, known, { trusted });
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
    },
  );
}
