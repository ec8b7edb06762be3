/**
 * The retriever's contract: what it is created with, what ingestion and retrieval take and
 * return.
 */
import type { Clock, Instrumentation, RequestMetadata } from '@keel/core';
import type { Bm25Options } from './bm25-index';
import type { ChunkOptions } from './chunk-document';
import type { Embedder } from './embedder';
import type { EmbeddingCache } from './embedding-cache';
import type { Filter } from './filter';
import type { IngestProgress } from './ingest-progress';
import type { Reranker } from './reranker';
import type { TextIndex } from './text-index';
import type { Chunk, Document, RetrievedChunk } from './types';
import type { UnsupportedDocumentError } from './unsupported-document-error';
import type { AsyncVectorStore, VectorStore } from './vector-store';

/** Search mode of {@link Retriever.retrieve}. */
export type RetrievalMode = 'vector' | 'bm25' | 'hybrid';

/**
 * How hybrid mode fuses its rankings by reciprocal-rank fusion: an item at rank r (from 1) of a
 * list scores `weight / (k + r)`, summed over the lists. On a labelled set of this repository's
 * docs with the local embedder, `{ k: 2, vectorWeight: 0.25, headingWeight: 0.5 }` ranked best
 * (README, "Hybrid tuning").
 */
export interface HybridOptions {
  /**
   * Rank constant, 0 or more: the smaller, the more each list's top outweighs the rest. Default
   * 60, the original paper's.
   */
  k?: number;
  /** Weight of the vector ranking, 0 or more; default 1. */
  vectorWeight?: number;
  /** Weight of the lexical ranking (the BM25 index, or the text index), 0 or more; default 1. */
  bm25Weight?: number;
  /**
   * Weight of the heading list (below), 0 or more; default 1, 0 turns it off. The candidates
   * whose heading path names the query's words or identifiers (heading
   * `### createRedisBudget(options)` for "what does createRedisBudget do?"), ranked.
   * {@link RetrieveOptions.headingWeight} overrides it for one query.
   */
  headingWeight?: number;
}

/** Options of {@link createRetriever}. */
export interface RetrieverOptions {
  /** Default: the local embedder ({@link createLocalEmbedder}). */
  embedder?: Embedder;
  /** Default: an HNSW store, saved under `directory` when given. */
  store?: VectorStore;
  /** Where to save and reopen the index (chunks, vectors and the embedding cache). */
  directory?: string;
  chunking?: ChunkOptions;
  /** Options of the in-process BM25 index; `identifiers` defaults to true here. */
  bm25?: Bm25Options;
  /** Default: a file cache under `directory`, else in memory; `false` for none. */
  cache?: EmbeddingCache | false;
  /** Hybrid mode's fusion constant and weights. */
  hybrid?: HybridOptions;
  clock?: Clock;
}

/**
 * Options of a retriever whose vectors or lexical side live on a server (a pgvector store, a
 * PostgreSQL text index): the same as {@link RetrieverOptions}, without a directory (the
 * server keeps the index).
 */
export type SharedRetrieverOptions = Omit<RetrieverOptions, 'store' | 'directory'> & {
  /**
   * Chunks by id that this process did not ingest (another replica's), e.g. from the
   * application's chunks table; hits whose chunk neither side knows are dropped.
   */
  fetchChunks?: (ids: readonly string[]) => Promise<readonly Chunk[]>;
} & (
    | { store: AsyncVectorStore; text?: TextIndex }
    | {
        store?: VectorStore;
        /** The lexical side of hybrid search, in place of the in-process BM25. */
        text: TextIndex;
      }
  );

/** Options of {@link Retriever.ingest}. */
export interface IngestOptions {
  onProgress?: (progress: IngestProgress) => void;
  /** Chunks embedded per embedder call; default 256. */
  batchSize?: number;
  signal?: AbortSignal;
}

/** What {@link Retriever.ingest} did. */
export interface IngestResult {
  documents: number;
  chunks: number;
  /** Documents refused (binary, invalid UTF-8), with the typed error. */
  skipped: Array<{ id: string; error: UnsupportedDocumentError }>;
}

/** Options of {@link Retriever.retrieve}. */
export interface RetrieveOptions {
  /** Results wanted; default 5. */
  k?: number;
  filter?: Filter;
  /** Default `hybrid`. */
  mode?: RetrievalMode;
  /** Candidates fetched from each side before fusion and reranking; default 4 × k. */
  candidates?: number;
  /**
   * Hybrid mode: the weight of the heading list ({@link HybridOptions.headingWeight}) for this
   * query; default the retriever's. 0 turns it off.
   */
  headingWeight?: number;
  /** Jaccard threshold of near-duplicate removal; default 0.9, `false` to keep duplicates. */
  dedupe?: number | false;
  /** Diversify with MMR; `lambda` 1 is pure relevance. Default off. */
  mmr?: boolean | { lambda?: number };
  rerank?: Reranker;
  signal?: AbortSignal;
  instrumentation?: Instrumentation;
  metadata?: RequestMetadata;
  /** Pass the query text to instrumentation; default false. */
  recordQuery?: boolean;
}

/** A document collection you can query. */
export interface Retriever {
  readonly embedder: Embedder;
  readonly store: VectorStore;
  /** Chunks indexed. */
  readonly size: number;
  /** Chunks, embeds and indexes documents; a document already indexed is replaced. */
  ingest(
    documents: Iterable<Document> | AsyncIterable<Document>,
    options?: IngestOptions,
  ): Promise<IngestResult>;
  /** Removes a document's chunks; returns how many. */
  remove(sourceId: string): number;
  retrieve(query: string, options?: RetrieveOptions): Promise<RetrievedChunk[]>;
  chunk(id: string): Chunk | undefined;
  /** Saves to `directory`. */
  save(): Promise<void>;
}

/**
 * A retriever over a store or text index on a server: its writes are awaited, so `remove`
 * returns a promise. Chunk texts are kept in the process that ingested them.
 */
export interface SharedRetriever extends Omit<Retriever, 'store' | 'remove'> {
  readonly store: VectorStore | AsyncVectorStore;
  /** Removes a document's chunks from the store and the lexical index; resolves to how many. */
  remove(sourceId: string): Promise<number>;
}
