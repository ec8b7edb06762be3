/**
 * Text analysis shared by BM25 and the local embedder: a Unicode-aware word tokenizer with
 * lowercasing, optional stop words and an optional light English stemmer.
 */

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*/gu;

/** English stop words used when `stopWords: true`. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for from has have he her his i if in into is it its of on or our she so than that the their them then there these they this to was we were what when where which who will with you your'.split(
    ' ',
  ),
);

/** Options of {@link createAnalyzer}. */
export interface AnalyzerOptions {
  /** Reduce English words to a stem (`indexing`, `indexed` and `indexes` to `index`); default false. */
  stemming?: boolean;
  /** `true` for {@link ENGLISH_STOP_WORDS}, or your own list; default none. */
  stopWords?: boolean | Iterable<string>;
}

const SUFFIXES: Array<[string, string]> = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['fulness', 'ful'],
  ['iveness', 'ive'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['ement', ''],
  ['ness', ''],
  ['ment', ''],
  ['ings', ''],
  ['ing', ''],
  ['ies', 'y'],
  ['ied', 'y'],
  ['edly', ''],
  ['ly', ''],
  ['ed', ''],
  ['es', ''],
  ['s', ''],
];

/**
 * A light English stemmer: strips one common suffix when at least three letters remain, then
 * undoubles a final consonant (`running` to `run`). Deterministic and cheap; not Porter.
 *
 * @example
 * ```ts
 * stem('indexing'); // 'index'
 * ```
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      if (suffix === 's' && (word.endsWith('ss') || word.endsWith('us'))) return word;
      let base = word.slice(0, word.length - suffix.length) + replacement;
      const last = base[base.length - 1];
      if (
        replacement === '' &&
        base.length > 3 &&
        last === base[base.length - 2] &&
        last !== undefined &&
        !'aeiouls'.includes(last)
      ) {
        base = base.slice(0, -1);
      }
      return base;
    }
  }
  return word;
}

/**
 * Creates a function from text to its terms.
 *
 * @example
 * ```ts
 * const analyze = createAnalyzer({ stemming: true, stopWords: true });
 * analyze('The Indexing of Documents'); // ['index', 'document']
 * ```
 */
export function createAnalyzer({
  stemming = false,
  stopWords = false,
}: AnalyzerOptions = {}): (text: string) => string[] {
  const stop =
    stopWords === true
      ? ENGLISH_STOP_WORDS
      : stopWords === false
        ? undefined
        : new Set([...stopWords].map((word) => word.toLowerCase()));
  return function analyze(text) {
    const terms: string[] = [];
    for (const match of text.toLowerCase().matchAll(WORD)) {
      const word = match[0];
      if (stop?.has(word)) continue;
      terms.push(stemming ? stem(word) : word);
    }
    return terms;
  };
}
