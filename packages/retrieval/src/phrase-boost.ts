/**
 * The phrase boost of BM25 search: a query's adjacent word pairs found next to each other, in
 * the query's order and within one field, in a candidate document. Each pair scores like a
 * term (its count saturated by k1, weighted by the mean idf of its two words), read from the
 * document's term ids in text order, so it costs nothing to index and is computed only for the
 * top candidates of a search.
 */

/** A query's adjacent pair of terms, by id, with the weight of a match. */
export interface QueryPair {
  first: number;
  second: number;
  idf: number;
}

/**
 * The boost of one document: its term ids in text order, fields one after another, from
 * `terms[start]` on; `lengths[at + f]` how many terms field f holds, for `fields` fields.
 */
export function phraseBoost(
  { terms, start, lengths, at, fields }: DocumentTerms,
  pairs: readonly QueryPair[],
  k1: number,
): number {
  let boost = 0;
  for (const { first, second, idf } of pairs) {
    let count = 0;
    let from = start;
    for (let f = 0; f < fields; f++) {
      const end = from + (lengths[at + f] as number);
      for (let i = from; i + 1 < end; i++) {
        if (terms[i] === first && terms[i + 1] === second) count++;
      }
      from = end;
    }
    if (count > 0) boost += (idf * count * (k1 + 1)) / (count + k1);
  }
  return boost;
}

/** Where a document's terms and field lengths are, without copying them. */
export interface DocumentTerms {
  terms: Int32Array;
  start: number;
  lengths: Int32Array;
  at: number;
  fields: number;
}
