/**
 * Text analysis shared by BM25 and the local embedder: a Unicode-aware word tokenizer with
 * lowercasing, optional code-identifier splitting, optional stop words and an optional light
 * English stemmer.
 */

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*/gu;
/** A word, or words joined by `.` or `-` with nothing between (`retriever.retrieve`, `keel-mock`). */
const DOTTED_WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*(?:[.-][\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*)*/gu;
/** Where `_`, `.` and `-` separate the parts of an identifier. */
const SEPARATOR = /[._-]+/u;
/**
 * Case boundaries inside a part: before an upper-case letter that follows a lower-case letter or
 * a digit (`createRedis`, `v2Client`), and before the last capital of a run followed by a
 * lower-case letter (`HTTPServer`). Letters next to digits stay together (`gpt4o`, `p50`).
 */
const CASE_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

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
  /**
   * Split code identifiers into their words too: `createRedisBudget` gives `createredisbudget`,
   * `create`, `redis` and `budget`; `max_tokens`, `HTTPServer`, `keel.cost_usd` and
   * `keel-mock` likewise. The whole identifier is kept (never stemmed); its parts are stemmed
   * and stop-listed like words. Default false.
   */
  identifiers?: boolean;
}

/**
 * The words of a code identifier (case, `_`, `.` and `-` boundaries), in their original case;
 * a single word for a plain word.
 *
 * @example
 * ```ts
 * identifierParts('createRedisBudget'); // ['create', 'Redis', 'Budget']
 * identifierParts('HTTPServer'); // ['HTTP', 'Server']
 * identifierParts('gpt4o'); // ['gpt4o']
 * ```
 */
export function identifierParts(token: string): string[] {
  return token
    .split(SEPARATOR)
    .flatMap((segment) => segment.split(CASE_BOUNDARY))
    .filter((part) => part !== '');
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
 * The parts of every code identifier in `text`, space-separated: what a full-text engine with
 * its own parser (PostgreSQL) indexes beside the text to find identifiers by their words.
 *
 * @example
 * ```ts
 * identifierWords('Call createRedisBudget with max_tokens'); // 'create Redis Budget max tokens'
 * ```
 */
export function identifierWords(text: string): string {
  const words: string[] = [];
  for (const match of text.matchAll(DOTTED_WORD)) {
    const parts = identifierParts(match[0]);
    if (parts.length > 1) words.push(...parts);
  }
  return words.join(' ');
}

/**
 * Creates a function from text to its terms.
 *
 * @example
 * ```ts
 * const analyze = createAnalyzer({ stemming: true, stopWords: true });
 * analyze('The Indexing of Documents'); // ['index', 'document']
 * createAnalyzer({ identifiers: true })('createRedisBudget'); // ['createredisbudget', 'create', 'redis', 'budget']
 * ```
 */
export function createAnalyzer({
  stemming = false,
  stopWords = false,
  identifiers = false,
}: AnalyzerOptions = {}): (text: string) => string[] {
  const stop =
    stopWords === true
      ? ENGLISH_STOP_WORDS
      : stopWords === false
        ? undefined
        : new Set([...stopWords].map((word) => word.toLowerCase()));

  function pushWord(terms: string[], word: string): void {
    if (stop?.has(word)) return;
    terms.push(stemming ? stem(word) : word);
  }

  if (!identifiers) {
    return function analyze(text) {
      const terms: string[] = [];
      for (const match of text.toLowerCase().matchAll(WORD)) pushWord(terms, match[0]);
      return terms;
    };
  }
  // Case boundaries are read before lowercasing.
  return function analyzeIdentifiers(text) {
    const terms: string[] = [];
    for (const match of text.matchAll(DOTTED_WORD)) {
      const token = match[0];
      const parts = identifierParts(token);
      const whole = token.toLowerCase();
      if (parts.length === 1) {
        pushWord(terms, whole);
        continue;
      }
      if (!stop?.has(whole)) terms.push(whole);
      for (const part of parts) pushWord(terms, part.toLowerCase());
    }
    return terms;
  };
}
