/**
 * A deliberately naive BM25F (Lucene's idf, documents scanned one by one; with no fields, plain
 * BM25), with the index's phrase boost when asked, that the index's tests and benchmark compare
 * rankings against.
 */
import { createAnalyzer } from '../src/analyze';

export interface ReferenceHit {
  id: string;
  score: number;
}

type Field = 'body' | 'title' | 'headings';

export interface ReferenceDocument {
  id: string;
  text: string;
  fields?: { title?: string; headings?: string };
}

export function referenceBm25(
  documents: readonly ReferenceDocument[],
  {
    k1 = 1.2,
    b = 0.75,
    stemming = false,
    stopWords = false,
    fieldWeights = {} as Partial<Record<Field, number>>,
    fieldB = {} as Partial<Record<Field, number>>,
    phrase = 0,
  } = {},
) {
  const analyze = createAnalyzer({ stemming, stopWords });
  const weights = { body: 1, title: 3, headings: 3, ...fieldWeights };
  const bs = { body: b, title: 0.5, headings: 0.5, ...fieldB };
  const fields: Field[] = ['body', 'title', 'headings'];
  const analysed = documents.map((document) => ({
    body: weights.body === 0 ? [] : analyze(document.text),
    title: weights.title === 0 ? [] : analyze(document.fields?.title ?? ''),
    headings: weights.headings === 0 ? [] : analyze(document.fields?.headings ?? ''),
  }));
  const average = Object.fromEntries(
    fields.map((field) => [
      field,
      analysed.reduce((sum, words) => sum + words[field].length, 0) / documents.length || 1,
    ]),
  ) as Record<Field, number>;
  const frequency = new Map<string, number>();
  for (const words of analysed) {
    for (const term of new Set(fields.flatMap((field) => words[field]))) {
      frequency.set(term, (frequency.get(term) ?? 0) + 1);
    }
  }
  const idf = (term: string) => {
    const df = frequency.get(term) ?? 0;
    return Math.log(1 + (documents.length - df + 0.5) / (df + 0.5));
  };
  return (query: string, k: number): ReferenceHit[] => {
    const analysedQuery = analyze(query);
    const queryTerms = [...new Set(analysedQuery)];
    const hits: Array<ReferenceHit & { index: number }> = [];
    analysed.forEach((words, index) => {
      let score = 0;
      for (const term of queryTerms) {
        let tf = 0;
        for (const field of fields) {
          const count = words[field].filter((word) => word === term).length;
          if (count === 0) continue;
          const norm = 1 - bs[field] + (bs[field] * words[field].length) / average[field];
          tf += (weights[field] * count) / norm;
        }
        if (tf === 0) continue;
        score += (idf(term) * tf * (k1 + 1)) / (k1 + tf);
      }
      if (score > 0) hits.push({ id: (documents[index] as { id: string }).id, score, index });
    });
    hits.sort((x, y) => y.score - x.score || x.index - y.index);
    const pairs = analysedQuery.flatMap((first, i) => {
      const second = analysedQuery[i + 1];
      return second !== undefined &&
        second !== first &&
        frequency.has(first) &&
        frequency.has(second)
        ? [{ first, second, idf: (idf(first) + idf(second)) / 2 }]
        : [];
    });
    if (phrase === 0 || pairs.length === 0) {
      return hits.slice(0, k).map(({ id, score }) => ({ id, score }));
    }
    // The boost re-ranks the best 2k by BM25.
    const boosted = hits.slice(0, 2 * k).map((hit) => {
      let boost = 0;
      for (const pair of pairs) {
        let count = 0;
        for (const field of fields) {
          const words = analysed[hit.index]?.[field] ?? [];
          for (let at = 0; at + 1 < words.length; at++) {
            if (words[at] === pair.first && words[at + 1] === pair.second) count++;
          }
        }
        if (count > 0) boost += (pair.idf * count * (k1 + 1)) / (count + k1);
      }
      return { ...hit, score: hit.score + phrase * boost };
    });
    boosted.sort((x, y) => y.score - x.score || x.index - y.index);
    return boosted.slice(0, k).map(({ id, score }) => ({ id, score }));
  };
}
