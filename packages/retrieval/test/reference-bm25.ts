/**
 * A deliberately naive BM25 (Lucene's idf, documents scanned one by one) that the index's
 * tests and benchmark compare rankings against.
 */
import { createAnalyzer } from '../src/analyze';

export interface ReferenceHit {
  id: string;
  score: number;
}

export function referenceBm25(
  documents: ReadonlyArray<{ id: string; text: string }>,
  { k1 = 1.2, b = 0.75, stemming = false, stopWords = false } = {},
) {
  const analyze = createAnalyzer({ stemming, stopWords });
  const analyzed = documents.map((document) => analyze(document.text));
  const average = analyzed.reduce((sum, words) => sum + words.length, 0) / documents.length || 1;
  const frequency = new Map<string, number>();
  for (const words of analyzed)
    for (const term of new Set(words)) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  return (query: string, k: number): ReferenceHit[] => {
    const queryTerms = [...new Set(analyze(query))];
    const hits: Array<ReferenceHit & { index: number }> = [];
    analyzed.forEach((words, index) => {
      let score = 0;
      for (const term of queryTerms) {
        const tf = words.filter((word) => word === term).length;
        if (tf === 0) continue;
        const df = frequency.get(term) ?? 0;
        const idf = Math.log(1 + (documents.length - df + 0.5) / (df + 0.5));
        score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * words.length) / average));
      }
      if (score > 0) hits.push({ id: (documents[index] as { id: string }).id, score, index });
    });
    hits.sort((x, y) => y.score - x.score || x.index - y.index);
    return hits.slice(0, k).map(({ id, score }) => ({ id, score }));
  };
}
