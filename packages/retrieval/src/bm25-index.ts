/**
 * A BM25F index: terms interned to ids, each term's postings sorted by document in typed
 * arrays, every document's term ids in one shared pool (what a removal unposts and where the
 * phrase boost looks), and exact top-k search by MaxScore with block-max bounds (see
 * max-score.ts). Scoring is Lucene's BM25 (idf = ln(1 + (N - df + 0.5) / (df + 0.5))) over
 * fields weighted and length-normalised apart (bm25-fields.ts), then the phrase boost on the
 * best candidates (phrase-boost.ts).
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import { BM25_FIELDS, type Bm25Field, resolveFields } from './bm25-fields';
import { compileFilter, type Filter } from './filter';
import { maxScoreTopK, type QueryTerm, type Scratch } from './max-score';
import { phraseBoost, type QueryPair } from './phrase-boost';
import { Postings, type Weighting } from './postings';
import { grown, TermPool } from './term-pool';
import type { Metadata } from './types';
import { assertId } from './vector-store';

/** Options of {@link createBm25Index}. */
export interface Bm25Options extends AnalyzerOptions {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalisation of the body; default 0.75. */
  b?: number;
  /**
   * Weight of a term's count in each field (BM25F); 0 leaves a field out. Default body 1,
   * title 3, headings 3.
   */
  fieldWeights?: Partial<Record<Bm25Field, number>>;
  /** Length normalisation of each field; default `b` for the body, 0.5 for title and headings. */
  fieldB?: Partial<Record<Bm25Field, number>>;
  /**
   * Weight of the phrase boost: the query's adjacent word pairs found next to each other in a
   * document, scored like terms and added to the BM25 scores of the best 2k documents, which
   * are then re-ranked. 0 turns it off (plain BM25F). Default 0.5.
   */
  phrase?: number;
}

/** A document to index. */
export interface Bm25Document {
  id: string;
  /** The body. */
  text: string;
  /**
   * Short fields scored apart from the body, each with its weight and length normalisation
   * (BM25F): a title, and a heading path such as `Guide > Install`.
   */
  fields?: { title?: string; headings?: string };
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
    const fields: unknown = document.fields;
    if (fields === undefined) continue;
    const bad =
      fields === null || typeof fields !== 'object'
        ? 'fields'
        : Object.entries(fields).find(
            ([name, value]) =>
              (name !== 'title' && name !== 'headings') ||
              (value !== undefined && typeof value !== 'string'),
          )?.[0];
    if (bad !== undefined) {
      throw new InvalidArgumentError({
        argument: 'documents',
        message: `fields of "${document.id}" must be { title?: string, headings?: string }; ${bad === 'fields' ? `got ${JSON.stringify(fields)}` : `"${bad}" is not a string field of them`}`,
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
 * bm25.add([
 *   { id: 'a', text: 'Vector search with HNSW', metadata: { tenant: 'acme' } },
 *   { id: 'b', text: 'Opens after five failures.', fields: { title: 'Resilience', headings: 'Circuit breaker' } },
 * ]);
 * bm25.search('hnsw search', { k: 5, filter: { tenant: 'acme' } });
 * ```
 */
export function createBm25Index({
  k1 = 1.2,
  b = 0.75,
  fieldWeights,
  fieldB,
  phrase = 0.5,
  ...analyzer
}: Bm25Options = {}): Bm25Index {
  assertNumber('k1', k1, { min: 0 });
  assertNumber('phrase', phrase, { min: 0, hint: '0 turns the phrase boost off' });
  assertNumber('b', b, { min: 0, max: 1 });
  const fields = resolveFields(b, fieldWeights, fieldB);
  const width = BM25_FIELDS.length;
  const analyze = createAnalyzer(analyzer);
  const termIds = new Map<string, number>();
  const lists: Postings[] = [];
  const slots = new Map<string, number>();
  const ids: Array<string | undefined> = [];
  const metadata: Metadata[] = [];
  const terms = new TermPool();
  /** Terms in each field of each slot, `width` per slot. */
  let lengths = new Int32Array(64 * width);
  const totalLengths = new Float64Array(width);
  const weighting: Weighting = { k1, norms: [] };
  const scratch: Scratch = {
    scores: new Float64Array(0),
    touched: new Int32Array(0),
    candidates: new Int32Array(0),
  };
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

  /** The query's adjacent pairs of indexed terms, weighted by their mean idf. */
  function queryPairs(analysed: readonly string[], idfs: ReadonlyMap<number, number>): QueryPair[] {
    const pairs: QueryPair[] = [];
    for (let i = 0; i + 1 < analysed.length; i++) {
      const first = termIds.get(analysed[i] as string);
      const second = termIds.get(analysed[i + 1] as string);
      if (first === undefined || second === undefined || first === second) continue;
      const firstIdf = idfs.get(first);
      const secondIdf = idfs.get(second);
      if (firstIdf !== undefined && secondIdf !== undefined) {
        pairs.push({ first, second, idf: (firstIdf + secondIdf) / 2 });
      }
    }
    return pairs;
  }

  function grow(size: number): void {
    if (size * width <= lengths.length) return;
    lengths = grown(lengths, Math.max(size, (lengths.length / width) * 2) * width);
  }

  /** Posts `document` in `slot`, the next one. */
  function post(slot: number, document: Bm25Document): void {
    const texts = [document.text, document.fields?.title ?? '', document.fields?.headings ?? ''];
    const termsOfDocument: number[] = [];
    const counts = new Map<number, Int32Array>();
    for (const [f, text] of texts.entries()) {
      const words = fields.weights[f] === 0 ? [] : analyze(text);
      for (const word of words) {
        const term = termId(word);
        termsOfDocument.push(term);
        let tally = counts.get(term);
        if (tally === undefined) {
          tally = new Int32Array(width);
          counts.set(term, tally);
        }
        tally[f] = (tally[f] as number) + 1;
      }
      lengths[slot * width + f] = words.length;
      totalLengths[f] = (totalLengths[f] as number) + words.length;
    }
    terms.set(slot, termsOfDocument);
    for (const [term, tally] of counts) (lists[term] as Postings).push(slot, tally);
  }

  function removeSlot(slot: number): void {
    for (const term of terms.get(slot)) (lists[term] as Postings).remove(slot);
    for (let f = 0; f < width; f++) {
      totalLengths[f] = (totalLengths[f] as number) - (lengths[slot * width + f] as number);
    }
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
      lengths.copyWithin(live * width, slot * width, (slot + 1) * width);
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

  /** Each field's weight over its length normalisation, for every slot (BM25F). */
  function refreshNorms(): void {
    if (normsGeneration === generation) return;
    const capacity = lengths.length / width;
    if (scratch.scores.length < capacity) {
      scratch.scores = new Float64Array(capacity);
      scratch.touched = new Int32Array(capacity);
      scratch.candidates = new Int32Array(capacity);
      weighting.norms = BM25_FIELDS.map(() => new Float64Array(capacity));
    }
    for (let f = 0; f < width; f++) {
      const norms = weighting.norms[f] as Float64Array;
      const weight = fields.weights[f] as number;
      const fieldB = fields.bs[f] as number;
      const average = (totalLengths[f] as number) / slots.size || 1;
      for (let slot = 0; slot < ids.length; slot++) {
        const length = lengths[slot * width + f] as number;
        // An empty field holds no term (and with b = 1 would divide by 0).
        norms[slot] = length === 0 ? 0 : weight / (1 - fieldB + (fieldB * length) / average);
      }
    }
    normsGeneration = generation;
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
        post(slot, document);
        ids.push(document.id);
        metadata.push(document.metadata ?? NO_METADATA);
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
      const idfs = new Map<number, number>();
      const analysed = analyze(query);
      for (const term of new Set(analysed)) {
        const id = termIds.get(term);
        const list = id === undefined ? undefined : lists[id];
        if (id === undefined || list === undefined || list.length === 0) continue;
        list.refreshImpacts(generation, weighting);
        const idf = Math.log(1 + (count - list.length + 0.5) / (list.length + 0.5));
        queryTerms.push({ list, idf });
        idfs.set(id, idf);
      }
      const pairs = phrase === 0 ? [] : queryPairs(analysed, idfs);
      const accept = allowed && ((slot: number) => allowed(metadata[slot] as Metadata));
      const found = maxScoreTopK(queryTerms, pairs.length === 0 ? k : 2 * k, accept, scratch);
      let ranked = found.sorted();
      if (pairs.length > 0) {
        ranked = ranked
          .map(({ item, score }) => ({
            item,
            score:
              score +
              phrase *
                phraseBoost(
                  {
                    terms: terms.terms,
                    start: terms.start(item),
                    lengths,
                    at: item * width,
                    fields: width,
                  },
                  pairs,
                  k1,
                ),
          }))
          .sort((x, y) => y.score - x.score || x.item - y.item)
          .slice(0, k);
      }
      return ranked.map(({ item, score }) => ({
        id: ids[item] as string,
        score,
        metadata: metadata[item] as Metadata,
      }));
    },
  };
}
