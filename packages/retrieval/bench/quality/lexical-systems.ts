/**
 * The lexical rows of the quality bench, each indexing the same text per chunk (what the
 * retriever indexes: heading path, then text) with BM25 at k1 = 1.2 and b = 0.75. Keel's rows
 * are a table of analyzer options: a new analyzer variant is one more entry.
 */
import bm25 from 'wink-bm25-text-search';
import nlp from 'wink-nlp-utils';
import { type Bm25Options, type Chunk, createBm25Index } from '../../src';
import { indexedText } from '../../src/retriever';
import { luceneEnglishTerms } from './lucene-english';

/** A ranking function built over the chunks: the ids of the best `k`, best first. */
export type Search = (query: string, k: number) => string[];

/** One row of the table. */
export interface LexicalSystem {
  name: string;
  build(chunks: readonly Chunk[]): Search;
}

/**
 * Keel's analyzer variants, measured with createBm25Index: the analyzer before Snowball (what
 * `stemming: true, stopWords: true` meant until then), the current one, each with identifiers,
 * and Lucene's stop words.
 */
export const KEEL_VARIANTS: ReadonlyArray<{ name: string; options: Bm25Options }> = [
  {
    name: "Keel before: stemming 'light', stopWords 'keel', folding false",
    options: { stemming: 'light', stopWords: 'keel', folding: false },
  },
  {
    name: 'Keel before, with identifiers',
    options: { stemming: 'light', stopWords: 'keel', folding: false, identifiers: true },
  },
  { name: 'Keel: stemming true, stopWords true', options: { stemming: true, stopWords: true } },
  {
    name: 'Keel: stemming true, stopWords true, identifiers',
    options: { stemming: true, stopWords: true, identifiers: true },
  },
  {
    name: "Keel: stemming true, stopWords 'lucene'",
    options: { stemming: true, stopWords: 'lucene' },
  },
];

function keel(options: Bm25Options): LexicalSystem['build'] {
  return (chunks) => {
    const index = createBm25Index(options);
    index.add(chunks.map((chunk) => ({ id: chunk.id, text: indexedText(chunk) })));
    return (query, k) => index.search(query, { k }).map((hit) => hit.id);
  };
}

/** wink-bm25-text-search with the pipeline of its documentation: Porter2 stems, wink's stop words. */
function wink(chunks: readonly Chunk[]): Search {
  const engine = bm25();
  engine.defineConfig({ fldWeights: { text: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } });
  engine.definePrepTasks([
    nlp.string.lowerCase,
    nlp.string.tokenize0,
    nlp.tokens.removeWords,
    nlp.tokens.stem,
  ]);
  for (const chunk of chunks) engine.addDoc({ text: indexedText(chunk) }, chunk.id);
  engine.consolidate();
  return (query, k) => engine.search(query, k).map(([id]: [string, number]) => id);
}

/**
 * Lucene's EnglishAnalyzer with BM25Similarity, approximated: the terms are analysed here and
 * indexed by createBm25Index without analysis of its own or phrase boost (Lucene's idf and k1,
 * b), `.` inside a term kept as `_` so its tokenizer keeps the term whole. Lucene's one-byte
 * length norms are not reproduced.
 */
function luceneEnglish(chunks: readonly Chunk[]): Search {
  const terms = (text: string) =>
    luceneEnglishTerms(text)
      .map((term) => term.replaceAll('.', '_'))
      .join(' ');
  const index = createBm25Index({ phrase: 0 });
  index.add(chunks.map((chunk) => ({ id: chunk.id, text: terms(indexedText(chunk)) })));
  return (query, k) => index.search(terms(query), { k }).map((hit) => hit.id);
}

/** Every row, Keel's variants first. */
export const LEXICAL_SYSTEMS: readonly LexicalSystem[] = [
  ...KEEL_VARIANTS.map(({ name, options }) => ({ name, build: keel(options) })),
  { name: 'wink-bm25-text-search (Porter2, wink stop words)', build: wink },
  { name: 'Lucene EnglishAnalyzer + BM25 (approximation)', build: luceneEnglish },
];
