/**
 * A BM25 index: terms interned to ids, each term's postings sorted by document in typed
 * arrays, every document's term ids in one shared pool (what a removal unposts), and exact
 * top-k search by MaxScore with block-max bounds (see max-score.ts). Scoring is Lucene's BM25:
 * idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import { compileFilter, type Filter } from './filter';
import { maxScoreTopK, type QueryTerm, type Scratch } from './max-score';
import { Postings, type Weighting } from './postings';
import { grown, TermPool } from './term-pool';
import type { Metadata } from './types';
import { assertId } from './vector-store';

/** Options of {@link createBm25Index}. */
export interface Bm25Options extends AnalyzerOptions {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalisation; default 0.75. */
  b?: number;
}

/** A document to index. */
export interface Bm25Document {
  id: string;
  text: string;
  metadata?: Metadata;
}

/** A document found by a search. */
export interface Bm25Hit {
  id: string;
  score: number;
  metadata: Metadata;
}

/** Options of {@link Bm25Index.search}. */
export interface Bm25SearchOptions {
  /** Results wanted; default 10. */
  k?: number;
  filter?: Filter;
}

/** A lexical index. */
export interface Bm25Index {
  readonly size: number;
  /** Adds documents; an id already present is replaced. */
  add(documents: readonly Bm25Document[]): void;
  /** Removes a document; returns whether it was present. */
  remove(id: string): boolean;
  has(id: string): boolean;
  search(query: string, options?: Bm25SearchOptions): Bm25Hit[];
}

/**
 * Throws an `InvalidArgumentError` unless `documents` is an array of documents with an id and a
 * string `text`: the check of every text index's `add`, before anything is written.
 *
 * @example
 * ```ts
 * assertDocuments([{ id: 'a', text: 42 }]); // text of "a" must be a string, got number
 * ```
 */
export function assertDocuments(documents: readonly Bm25Document[]): void {
  if (!Array.isArray(documents)) {
    throw new InvalidArgumentError({
      argument: 'documents',
      message: 'documents must be an array of { id, text, metadata? }',
    });
  }
  for (const document of documents) {
    assertId(document?.id);
    if (typeof document.text !== 'string') {
      throw new InvalidArgumentError({
        argument: 'documents',
        message: `text of "${document.id}" must be a string, got ${typeof document.text}`,
      });
    }
  }
}

const NO_METADATA: Metadata = Object.freeze({});

/**
 * Creates an empty BM25 index.
 *
 * @example
 * ```ts
 * const bm25 = createBm25Index({ stemming: true, stopWords: true });
 * bm25.add([{ id: 'a', text: 'Vector search with HNSW', metadata: { tenant: 'acme' } }]);
 * bm25.search('hnsw search', { k: 5, filter: { tenant: 'acme' } });
 * ```
 */
export function createBm25Index({ k1 = 1.2, b = 0.75, ...analyzer }: Bm25Options = {}): Bm25Index {
  assertNumber('k1', k1, { min: 0 });
  assertNumber('b', b, { min: 0, max: 1 });
  const analyze = createAnalyzer(analyzer);
  const termIds = new Map<string, number>();
  const lists: Postings[] = [];
  const slots = new Map<string, number>();
  const ids: Array<string | undefined> = [];
  const metadata: Metadata[] = [];
  const terms = new TermPool();
  let lengths = new Int32Array(64);
  const weighting: Weighting = { k1, norms: [new Float64Array(64)] };
  const scratch: Scratch = {
    scores: new Float64Array(64),
    touched: new Int32Array(64),
    candidates: new Int32Array(64),
  };
  let totalLength = 0;
  /** Bumped by every change: norms and block bounds older than it are stale. */
  let generation = 0;
  let normsGeneration = -1;

  function termId(term: string): number {
    let id = termIds.get(term);
    if (id === undefined) {
      id = lists.length;
      termIds.set(term, id);
      lists.push(new Postings());
    }
    return id;
  }

  function grow(size: number): void {
    if (size <= lengths.length) return;
    const capacity = Math.max(size, lengths.length * 2);
    lengths = grown(lengths, capacity);
    weighting.norms = [new Float64Array(capacity)];
    scratch.scores = new Float64Array(capacity);
    scratch.touched = new Int32Array(capacity);
    scratch.candidates = new Int32Array(capacity);
  }

  function removeSlot(slot: number): void {
    for (const term of terms.get(slot)) (lists[term] as Postings).remove(slot);
    totalLength -= lengths[slot] as number;
    slots.delete(ids[slot] as string);
    ids[slot] = undefined;
    metadata[slot] = NO_METADATA;
    generation++;
  }

  /** Renumbers the live documents from 0, and forgets terms no document holds any more. */
  function compact(): void {
    const renumber = new Int32Array(ids.length).fill(-1);
    let live = 0;
    for (const [slot, id] of ids.entries()) {
      if (id === undefined) continue;
      renumber[slot] = live;
      ids[live] = id;
      metadata[live] = metadata[slot] as Metadata;
      lengths[live] = lengths[slot] as number;
      slots.set(id, live);
      live++;
    }
    ids.length = live;
    metadata.length = live;
    const termRenumber = new Int32Array(lists.length).fill(-1);
    const kept: Postings[] = [];
    for (const [term, id] of termIds) {
      const list = lists[id] as Postings;
      if (list.length === 0) {
        termIds.delete(term);
        continue;
      }
      termRenumber[id] = kept.length;
      termIds.set(term, kept.length);
      list.renumber(renumber);
      kept.push(list);
    }
    lists.length = 0;
    lists.push(...kept);
    terms.compact(renumber, termRenumber);
    generation++;
  }

  /** Length normalisation of every live document, for the current average length. */
  function refreshNorms(): void {
    if (normsGeneration === generation) return;
    const average = totalLength / slots.size || 1;
    const norms = weighting.norms[0] as Float64Array;
    for (let slot = 0; slot < ids.length; slot++) {
      norms[slot] = 1 / (1 - b + (b * (lengths[slot] as number)) / average);
    }
    normsGeneration = generation;
  }

  return {
    get size() {
      return slots.size;
    },
    add(documents) {
      assertDocuments(documents);
      const counts = [0];
      for (const document of documents) {
        const previous = slots.get(document.id);
        if (previous !== undefined) removeSlot(previous);
        const slot = ids.length;
        grow(slot + 1);
        const words = analyze(document.text);
        const termsOfDocument = Int32Array.from(words, termId);
        terms.set(slot, termsOfDocument);
        const tfs = new Map<number, number>();
        for (const term of termsOfDocument) tfs.set(term, (tfs.get(term) ?? 0) + 1);
        for (const [term, tf] of tfs) {
          counts[0] = tf;
          (lists[term] as Postings).push(slot, counts, 1);
        }
        ids.push(document.id);
        metadata.push(document.metadata ?? NO_METADATA);
        lengths[slot] = words.length;
        totalLength += words.length;
        slots.set(document.id, slot);
      }
      generation++;
      if (ids.length - slots.size > slots.size) compact();
    },
    remove(id) {
      const slot = slots.get(id);
      if (slot === undefined) return false;
      removeSlot(slot);
      if (ids.length - slots.size > slots.size) compact();
      return true;
    },
    has(id) {
      return slots.has(id);
    },
    search(query, { k = 10, filter } = {}) {
      assertNumber('k', k, { integer: true, min: 1 });
      if (typeof query !== 'string') {
        throw new InvalidArgumentError({
          argument: 'query',
          message: `query must be a string, got ${typeof query}`,
        });
      }
      const count = slots.size;
      if (count === 0) return [];
      refreshNorms();
      const allowed = compileFilter(filter);
      const queryTerms: QueryTerm[] = [];
      for (const term of new Set(analyze(query))) {
        const id = termIds.get(term);
        const list = id === undefined ? undefined : lists[id];
        if (list === undefined || list.length === 0) continue;
        list.refreshImpacts(generation, weighting);
        const idf = Math.log(1 + (count - list.length + 0.5) / (list.length + 0.5));
        queryTerms.push({ list, idf });
      }
      const accept = allowed && ((slot: number) => allowed(metadata[slot] as Metadata));
      return maxScoreTopK(queryTerms, k, accept, scratch)
        .sorted()
        .map(({ item, score }) => ({
          id: ids[item] as string,
          score,
          metadata: metadata[item] as Metadata,
        }));
    },
  };
}
