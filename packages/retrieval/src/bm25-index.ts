/**
 * A BM25 index: postings sorted by document in typed arrays, carrying each posting's term
 * weight (refreshed once after the corpus changes), scores accumulated in one reusable array,
 * and MaxScore pruning: once the terms left cannot lift an unseen document into the top k,
 * their postings are only probed, by binary search, for the documents already found.
 * Scoring is Lucene's BM25: idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import { compileFilter, type Filter, type MetadataPredicate } from './filter';
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
  /** BM25 term weight of each posting without idf, recomputed after the corpus changes. */
  impacts = new Float64Array(4);
  /** The largest of `impacts`. */
  maxImpact = 0;
  length = 0;

  push(doc: number, tf: number): void {
    if (this.length === this.docs.length) {
      const docs = new Int32Array(this.length * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Int32Array(this.length * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
      this.impacts = new Float64Array(this.length * 2);
    }
    this.docs[this.length] = doc;
    this.tfs[this.length] = tf;
    this.length++;
  }

  /** Position of `doc` (postings are sorted by slot), or -1. */
  find(doc: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.docs[middle] as number;
      if (value === doc) return middle;
      if (value < doc) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
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
  const postings = new Map<string, Postings>();
  const slots = new Map<string, number>();
  const ids: Array<string | undefined> = [];
  const metadata: Array<Metadata | undefined> = [];
  const terms: Array<Map<string, number> | undefined> = [];
  let lengths = new Int32Array(64);
  let impactsDirty = true;
  let totalLength = 0;
  let scores = new Float64Array(64);
  let touched = new Int32Array(64);

  /** The k best (partial) scores among the first `found` touched documents that pass the filter. */
  function best(found: number, k: number, allowed: MetadataPredicate | undefined): TopK<number> {
    const top = new TopK<number>(k);
    for (let i = 0; i < found; i++) {
      const slot = touched[i] as number;
      const score = scores[slot] as number;
      if (score < top.threshold) continue;
      if (allowed && !allowed(metadata[slot] as Metadata)) continue;
      top.push(slot, score, slot);
    }
    return top;
  }

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
    impactsDirty = true;
  }

  function post(slot: number, counts: Map<string, number>): void {
    for (const [term, tf] of counts) {
      let list = postings.get(term);
      if (list === undefined) {
        list = new Postings();
        postings.set(term, list);
      }
      list.push(slot, tf);
    }
  }

  /** Renumbers the live documents from 0 once removed slots outnumber them. */
  function compact(): void {
    const live = ids.flatMap((id, slot) => (id === undefined ? [] : [slot]));
    const before = { ids: [...ids], metadata: [...metadata], terms: [...terms] };
    postings.clear();
    ids.length = 0;
    metadata.length = 0;
    terms.length = 0;
    for (const [slot, old] of live.entries()) {
      const id = before.ids[old] as string;
      const counts = before.terms[old] as Map<string, number>;
      ids.push(id);
      metadata.push(before.metadata[old]);
      terms.push(counts);
      lengths[slot] = lengths[old] as number;
      slots.set(id, slot);
      post(slot, counts);
    }
    impactsDirty = true;
  }

  function grow(size: number): void {
    if (size <= lengths.length) return;
    const capacity = Math.max(size, lengths.length * 2);
    const next = new Int32Array(capacity);
    next.set(lengths);
    lengths = next;
    scores = new Float64Array(capacity);
    touched = new Int32Array(capacity);
  }

  return {
    get size() {
      return slots.size;
    },
    add(documents) {
      assertDocuments(documents);
      for (const document of documents) {
        const previous = slots.get(document.id);
        if (previous !== undefined) removeSlot(previous);
        const slot = ids.length;
        grow(slot + 1);
        const counts = new Map<string, number>();
        const words = analyze(document.text);
        for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
        post(slot, counts);
        ids.push(document.id);
        metadata.push(document.metadata ?? {});
        terms.push(counts);
        lengths[slot] = words.length;
        totalLength += words.length;
        slots.set(document.id, slot);
      }
      impactsDirty = true;
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
      assertNumber('k', k, { integer: true, min: 1 });
      if (typeof query !== 'string') {
        throw new InvalidArgumentError({
          argument: 'query',
          message: `query must be a string, got ${typeof query}`,
        });
      }
      const count = slots.size;
      if (count === 0) return [];
      if (ids.length - count > count) compact();
      if (impactsDirty) {
        const average = totalLength / count || 1;
        for (const list of postings.values()) {
          const { docs, tfs, impacts, length } = list;
          let max = 0;
          for (let i = 0; i < length; i++) {
            const tf = tfs[i] as number;
            const norm = k1 * (1 - b + (b * (lengths[docs[i] as number] as number)) / average);
            impacts[i] = (tf * (k1 + 1)) / (tf + norm);
            if ((impacts[i] as number) > max) max = impacts[i] as number;
          }
          list.maxImpact = max;
        }
        impactsDirty = false;
      }
      const allowed = compileFilter(filter);
      const terms: Array<{ list: Postings; idf: number; upper: number }> = [];
      for (const term of new Set(analyze(query))) {
        const list = postings.get(term);
        if (list === undefined) continue;
        const idf = Math.log(1 + (count - list.length + 0.5) / (list.length + 0.5));
        terms.push({ list, idf, upper: idf * list.maxImpact });
      }
      // Rare terms first: they touch few documents and set a high bar early.
      terms.sort((x, y) => y.upper - x.upper);
      const remaining = new Float64Array(terms.length + 1);
      for (let i = terms.length - 1; i >= 0; i--) {
        remaining[i] = (remaining[i + 1] as number) + (terms[i] as { upper: number }).upper;
      }
      let touchedCount = 0;
      let next = 0;
      // The shared score array must be clean for the next search, even when a filter throws.
      const rank = () => {
        for (; next < terms.length; next++) {
          if (
            next > 0 &&
            touchedCount >= k &&
            (remaining[next] as number) < best(touchedCount, k, allowed).threshold
          ) {
            break;
          }
          const { list, idf } = terms[next] as { list: Postings; idf: number };
          const { docs, impacts, length } = list;
          for (let i = 0; i < length; i++) {
            const slot = docs[i] as number;
            const score = scores[slot] as number;
            if (score === 0) touched[touchedCount++] = slot;
            scores[slot] = score + idf * (impacts[i] as number);
          }
        }
        // Terms left can only add to documents already found.
        for (; next < terms.length; next++) {
          const { list, idf } = terms[next] as { list: Postings; idf: number };
          if (touchedCount * Math.log2(list.length + 1) < list.length) {
            for (let i = 0; i < touchedCount; i++) {
              const slot = touched[i] as number;
              const at = list.find(slot);
              if (at !== -1)
                scores[slot] = (scores[slot] as number) + idf * (list.impacts[at] as number);
            }
          } else {
            const { docs, impacts, length } = list;
            for (let i = 0; i < length; i++) {
              const slot = docs[i] as number;
              const score = scores[slot] as number;
              if (score !== 0) scores[slot] = score + idf * (impacts[i] as number);
            }
          }
        }
        return best(touchedCount, k, allowed);
      };
      let top: TopK<number>;
      try {
        top = rank();
      } finally {
        for (let i = 0; i < touchedCount; i++) scores[touched[i] as number] = 0;
      }
      return top.sorted().map(({ item, score }) => ({
        id: ids[item] as string,
        score,
        metadata: metadata[item] as Metadata,
      }));
    },
  };
}
