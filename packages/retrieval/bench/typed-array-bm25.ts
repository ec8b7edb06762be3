/**
 * The simplest fast BM25 a benchmark can compare with: a static inverted index built in one
 * pass, each term's documents and precomputed weights in exact-size typed arrays, and every
 * query scored exhaustively into one score array before a top-k pass. No removal, no filters.
 */
import { createAnalyzer } from '../src/analyze';
import { TopK } from '../src/top-k';

/** Builds the index over `documents`; returns its search function. */
export function typedArrayBm25(
  documents: ReadonlyArray<{ id: string; text: string }>,
  { k1 = 1.2, b = 0.75 } = {},
): (query: string, k: number) => string[] {
  const analyze = createAnalyzer();
  const counts = new Map<string, number>();
  const analysed = documents.map((document) => analyze(document.text));
  for (const words of analysed)
    for (const term of new Set(words)) counts.set(term, (counts.get(term) ?? 0) + 1);
  const lists = new Map<string, { docs: Int32Array; weights: Float64Array; idf: number }>();
  for (const [term, df] of counts) {
    const idf = Math.log(1 + (documents.length - df + 0.5) / (df + 0.5));
    lists.set(term, { docs: new Int32Array(df), weights: new Float64Array(df), idf });
  }
  const filled = new Map<string, number>();
  const average = analysed.reduce((sum, words) => sum + words.length, 0) / documents.length || 1;
  for (const [doc, words] of analysed.entries()) {
    const tfs = new Map<string, number>();
    for (const word of words) tfs.set(word, (tfs.get(word) ?? 0) + 1);
    const norm = k1 * (1 - b + (b * words.length) / average);
    for (const [term, tf] of tfs) {
      const list = lists.get(term) as { docs: Int32Array; weights: Float64Array };
      const at = filled.get(term) ?? 0;
      list.docs[at] = doc;
      list.weights[at] = (tf * (k1 + 1)) / (tf + norm);
      filled.set(term, at + 1);
    }
  }
  const scores = new Float64Array(documents.length);
  const touched = new Int32Array(documents.length);
  return (query, k) => {
    let count = 0;
    for (const term of new Set(analyze(query))) {
      const list = lists.get(term);
      if (list === undefined) continue;
      const { docs, weights, idf } = list;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] as number;
        if (scores[doc] === 0) touched[count++] = doc;
        scores[doc] = (scores[doc] as number) + idf * (weights[i] as number);
      }
    }
    const top = new TopK<number>(k);
    for (let i = 0; i < count; i++) {
      const doc = touched[i] as number;
      const score = scores[doc] as number;
      scores[doc] = 0;
      if (score >= top.threshold) top.push(doc, score, doc);
    }
    return top.sorted().map(({ item }) => (documents[item] as { id: string }).id);
  };
}
