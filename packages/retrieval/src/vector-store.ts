/**
 * The vector store contracts: the in-process one shared by the HNSW store and the exact store,
 * and its asynchronous twin for stores behind a network (PostgreSQL with pgvector).
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import type { Filter } from './filter';
import type { Metadata } from './types';
import type { Vector } from './validate-vector';

/** Distance space: cosine similarity, inner product or squared Euclidean distance. */
export type Space = 'cosine' | 'ip' | 'l2';

/** A vector to store, with an id and the metadata filters apply to. */
export interface VectorItem {
  id: string;
  vector: Vector;
  metadata?: Metadata;
}

/** A stored vector found by a search. Higher scores are closer. */
export interface VectorHit {
  id: string;
  /** Cosine and ip: similarity (1 - distance); l2: minus the squared distance. */
  score: number;
  metadata: Metadata;
}

/** Options of {@link VectorStore.search}. */
export interface VectorSearchOptions {
  /** Results wanted; default 10. */
  k?: number;
  filter?: Filter;
  /** HNSW candidate list for this search (raised to k); default the store's. Exact stores ignore it. */
  ef?: number;
}

/** Vectors by id with filtered nearest-neighbour search. */
export interface VectorStore {
  readonly dim: number;
  readonly space: Space;
  /**
   * The embedding model of the vectors, when the store records one: a retriever refuses an
   * embedder of another model.
   */
  readonly model?: string | undefined;
  /** Live (not deleted) vectors. */
  readonly size: number;
  /** Adds new vectors. @throws InvalidArgumentError when an id is already stored. */
  add(items: readonly VectorItem[]): void;
  /** Adds or replaces vectors by id. */
  upsert(items: readonly VectorItem[]): void;
  /** Deletes vectors by id; returns how many existed. */
  delete(ids: readonly string[]): number;
  has(id: string): boolean;
  /** Ids of every live vector. */
  ids(): string[];
  /** Up to k nearest vectors passing the filter; exactly k whenever k of them pass. */
  search(vector: Vector, options?: VectorSearchOptions): VectorHit[];
}

/**
 * A {@link VectorStore} whose calls go to a server: every method returns a promise, and the
 * number of stored vectors is {@link AsyncVectorStore.count} rather than a `size` property. The
 * same rules hold: a batch is checked whole before anything is written, `add` refuses ids
 * already stored, and a search returns exactly k hits whenever k vectors pass the filter.
 */
export interface AsyncVectorStore {
  readonly dim: number;
  readonly space: Space;
  /**
   * The embedding model of the vectors, when the store records one: a retriever refuses an
   * embedder of another model.
   */
  readonly model?: string | undefined;
  /** Live vectors. */
  count(): Promise<number>;
  /** Adds new vectors. Rejects with InvalidArgumentError when an id is already stored. */
  add(items: readonly VectorItem[]): Promise<void>;
  /** Adds or replaces vectors by id. */
  upsert(items: readonly VectorItem[]): Promise<void>;
  /** Deletes vectors by id; resolves to how many existed. */
  delete(ids: readonly string[]): Promise<number>;
  has(id: string): Promise<boolean>;
  /** Ids of every live vector. */
  ids(): Promise<string[]>;
  /** Up to k nearest vectors passing the filter; exactly k whenever k of them pass. */
  search(vector: Vector, options?: VectorSearchOptions): Promise<VectorHit[]>;
}

/** Distance to score, so that higher is better in every space. */
export function scoreOf(space: Space, distance: number): number {
  return space === 'l2' ? -distance : 1 - distance;
}

/** `k` checked and defaulted. */
export function resolveK(k: number | undefined): number {
  const value = k ?? 10;
  assertNumber('k', value, { integer: true, min: 1 });
  return value;
}

/** Throws for an id that is not a non-empty string. */
export function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new InvalidArgumentError({
      argument: 'id',
      message: `ids must be non-empty strings, got ${JSON.stringify(id)}`,
    });
  }
}

/** The distance hnswlib computes, for vectors already normalised in the cosine space. */
export function distance(space: Space, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  if (space === 'l2') {
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - (b[i] as number);
      sum += d * d;
    }
    return sum;
  }
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return 1 - sum;
}

/** A copy of `vector` as float32, L2-normalised in the cosine space. */
export function prepare(space: Space, vector: Vector): Float32Array {
  const copy = Float32Array.from(vector);
  if (space !== 'cosine') return copy;
  let norm = 0;
  for (let i = 0; i < copy.length; i++) norm += (copy[i] as number) ** 2;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < copy.length; i++) copy[i] = (copy[i] as number) * scale;
  }
  return copy;
}
