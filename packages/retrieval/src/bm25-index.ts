/**
 * A BM25 index: postings in typed arrays, per-document length norms cached between changes,
 * and scores accumulated in one reusable array, so a query touches only its terms' postings.
 * Scoring is Lucene's BM25: idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
 */
import { InvalidArgumentError } from '@keel/core';
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import { compileFilter, type Filter } from './filter';
import { TopK } from './top-k';
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

class Postings {
  docs = new Int32Array(4);
  tfs = new Int32Array(4);
  length = 0;

  push(doc: number, tf: number): void {
    if (this.length === this.docs.length) {
      const docs = new Int32Array(this.length * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Int32Array(this.length * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.length] = doc;
    this.tfs[this.length] = tf;
    this.length++;
  }

  remove(doc: number): void {
    const at = this.docs.subarray(0, this.length).indexOf(doc);
    if (at === -1) return;
    this.docs.copyWithin(at, at + 1, this.length);
    this.tfs.copyWithin(at, at + 1, this.length);
    this.length--;
  }
}

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
  if (!(Number.isFinite(k1) && k1 >= 0)) {
    throw new InvalidArgumentError({
      argument: 'k1',
      message: `k1 must be a finite number >= 0, got ${k1}`,
    });
  }
  if (!(Number.isFinite(b) && b >= 0 && b <= 1)) {
    throw new InvalidArgumentError({
      argument: 'b',
      message: `b must be between 0 and 1, got ${b}`,
    });
  }
  const analyze = createAnalyzer(analyzer);
  const postings = new Map<string, Postings>();
  const slots = new Map<string, number>();
  const ids: Array<string | undefined> = [];
  const metadata: Array<Metadata | undefined> = [];
  const terms: Array<Map<string, number> | undefined> = [];
  let lengths = new Int32Array(64);
  let norms = new Float64Array(64);
  let normsDirty = true;
  let totalLength = 0;
  let scores = new Float64Array(64);

  function removeSlot(slot: number): void {
    for (const term of (terms[slot] as Map<string, number>).keys()) {
      const list = postings.get(term) as Postings;
      list.remove(slot);
      if (list.length === 0) postings.delete(term);
    }
    totalLength -= lengths[slot] as number;
    slots.delete(ids[slot] as string);
    ids[slot] = undefined;
    metadata[slot] = undefined;
    terms[slot] = undefined;
    normsDirty = true;
  }

  function grow(size: number): void {
    if (size <= lengths.length) return;
    const capacity = Math.max(size, lengths.length * 2);
    const next = new Int32Array(capacity);
    next.set(lengths);
    lengths = next;
    norms = new Float64Array(capacity);
    scores = new Float64Array(capacity);
  }

  return {
    get size() {
      return slots.size;
    },
    add(documents) {
      for (const document of documents) {
        assertId(document?.id);
        if (typeof document.text !== 'string') {
          throw new InvalidArgumentError({
            argument: 'text',
            message: `text of "${document.id}" must be a string, got ${typeof document.text}`,
          });
        }
      }
      for (const document of documents) {
        const previous = slots.get(document.id);
        if (previous !== undefined) removeSlot(previous);
        const slot = ids.length;
        grow(slot + 1);
        const counts = new Map<string, number>();
        const words = analyze(document.text);
        for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
        for (const [term, tf] of counts) {
          let list = postings.get(term);
          if (list === undefined) {
            list = new Postings();
            postings.set(term, list);
          }
          list.push(slot, tf);
        }
        ids.push(document.id);
        metadata.push(document.metadata ?? {});
        terms.push(counts);
        lengths[slot] = words.length;
        totalLength += words.length;
        slots.set(document.id, slot);
      }
      normsDirty = true;
    },
    remove(id) {
      const slot = slots.get(id);
      if (slot === undefined) return false;
      removeSlot(slot);
      return true;
    },
    has(id) {
      return slots.has(id);
    },
    search(query, { k = 10, filter } = {}) {
      if (!(Number.isInteger(k) && k >= 1)) {
        throw new InvalidArgumentError({
          argument: 'k',
          message: `k must be an integer >= 1, got ${k}`,
        });
      }
      if (typeof query !== 'string') {
        throw new InvalidArgumentError({
          argument: 'query',
          message: `query must be a string, got ${typeof query}`,
        });
      }
      const count = slots.size;
      if (count === 0) return [];
      if (normsDirty) {
        const average = totalLength / count || 1;
        for (let slot = 0; slot < ids.length; slot++) {
          norms[slot] = k1 * (1 - b + (b * (lengths[slot] as number)) / average);
        }
        normsDirty = false;
      }
      const touched: number[] = [];
      for (const term of new Set(analyze(query))) {
        const list = postings.get(term);
        if (list === undefined) continue;
        const idf = Math.log(1 + (count - list.length + 0.5) / (list.length + 0.5));
        const { docs, tfs, length } = list;
        for (let i = 0; i < length; i++) {
          const slot = docs[i] as number;
          const tf = tfs[i] as number;
          if (scores[slot] === 0) touched.push(slot);
          scores[slot] =
            (scores[slot] as number) + (idf * tf * (k1 + 1)) / (tf + (norms[slot] as number));
        }
      }
      const allowed = compileFilter(filter);
      const top = new TopK<number>(k);
      for (const slot of touched) {
        const score = scores[slot] as number;
        scores[slot] = 0;
        if (allowed && !allowed(metadata[slot] as Metadata)) continue;
        top.push(slot, score, slot);
      }
      return top.sorted().map(({ item, score }) => ({
        id: ids[item] as string,
        score,
        metadata: metadata[item] as Metadata,
      }));
    },
  };
}
