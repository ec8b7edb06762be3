/**
 * The lexical side of hybrid search behind a server: what a retriever needs of a full-text
 * index in place of its in-process BM25 (PostgreSQL full text, for one).
 */
import type { Bm25Document, Bm25Hit, Bm25SearchOptions } from './bm25-index';

/**
 * A full-text index whose calls go to a server. Documents, hits and search options are those of
 * {@link Bm25Index}; scores are the engine's own (only their order matters to fusion).
 */
export interface TextIndex {
  /** Adds documents; an id already present is replaced. */
  add(documents: readonly Bm25Document[]): Promise<void>;
  /** Removes documents by id; resolves to how many existed. */
  remove(ids: readonly string[]): Promise<number>;
  has(id: string): Promise<boolean>;
  /** Documents indexed. */
  count(): Promise<number>;
  /** Up to k best matches passing the filter, best first; exactly k whenever k match. */
  search(query: string, options?: Bm25SearchOptions): Promise<Bm25Hit[]>;
}
