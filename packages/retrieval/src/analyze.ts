/**
 * Text analysis shared by BM25 and the local embedder: a Unicode-aware word tokenizer with
 * NFKC and diacritic folding, lowercasing, optional code-identifier splitting, and stop words
 * and Snowball stemming per language. Each analyzer carries a descriptor of what it does.
 */
import { InvalidArgumentError } from '@keel/core';
import { americanSpelling, SPELLING_RULES } from './american-spelling';
import type { AnalyzerDescriptor } from './analyzer-descriptor';
import { foldWord, normalizeText } from './fold-word';
import { LIGHT_STEMMER, lightStem } from './light-stem';
import {
  ANALYZER_LANGUAGES,
  type AnalyzerLanguage,
  SNOWBALL_VERSION,
  snowballStemmer,
} from './snowball-stem';
import { type StopWordSetName, stopWordSet } from './stop-words';

/** The light stemmer under its earlier name. */
export { lightStem as stem } from './light-stem';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*/gu;
/** A word, or words joined by `.` or `-` with nothing between (`retriever.retrieve`, `keel-mock`). */
const DOTTED_WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*(?:[.-][\p{L}\p{N}][\p{L}\p{N}\p{M}_'’]*)*/gu;
/** Where `_`, `.` and `-` separate the parts of an identifier. */
const SEPARATOR = /[._-]+/u;
/**
 * Case boundaries inside a part: before an upper-case letter that follows a lower-case letter or
 * a digit (`createRedis`, `v2Client`), and before the last capital of a run followed by a
 * lower-case letter (`HTTPServer`), unless that letter is a plural `s` ending the part (`PDFs`,
 * `getURLs`; `readJSONAsText` is `read`, `JSON`, `As`, `Text`, but `cacheTTLMs` ends in a plural
 * as `LLMs` does). Letters next to digits stay together (`gpt4o`, `p50`).
 */
const CASE_BOUNDARY =
  /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})(?!\p{Lu}s(?!\p{L}))/u;
/** A plural acronym (`PDFs`, `IDs`, `APIs'`), which stemmers leave as it is (`pdfs`). */
const PLURAL_ACRONYM = /^(\p{Lu}{2,})s['’]?$/u;
/** The version of the identifier rules, recorded in descriptors: 2 reads plural acronyms. */
const IDENTIFIER_RULES = 2;

/** A part's words: the part, and the acronym of a plural acronym (`PDFs` is also `PDF`). */
function partWords(part: string): string[] {
  const acronym = PLURAL_ACRONYM.exec(part)?.[1];
  return acronym === undefined ? [part] : [part, acronym];
}

/** A stemmer by name: Snowball's for the language (Porter2 for English), or Keel's light English one. */
export type StemmerName = 'snowball' | 'light';

/** What `stemming: true` means. */
const DEFAULT_STEMMER: StemmerName = 'snowball';

/** Terms kept per stemming analyzer before the memo starts over (a corpus repeats its words). */
const TERM_MEMO_SIZE = 50_000;

/** Options of {@link createAnalyzer}. */
export interface AnalyzerOptions {
  /** Language of the stemmer and of `stopWords: true`; default `'english'`. */
  language?: AnalyzerLanguage;
  /**
   * Reduce words to a stem (`indexing`, `indexed` and `indexes` to `index`): `true` or
   * `'snowball'` for the language's Snowball stemmer (Porter2 for English), `'light'` for Keel's
   * earlier light English stemmer; default false.
   */
  stemming?: boolean | StemmerName;
  /**
   * Leave out stop words: `true` or `'orama'` for the language's `@orama/stopwords` list
   * (Snowball's for English), `'lucene'` for Lucene's EnglishAnalyzer list, `'keel'` for
   * `ENGLISH_STOP_WORDS` (what `true` meant before), or your own list; default none.
   */
  stopWords?: boolean | StopWordSetName | Iterable<string>;
  /**
   * Unicode NFKC and diacritics removed from Latin and Greek letters, so `café` matches `cafe`
   * and `ﬁle` matches `file`; stemming reads the word before its diacritics go. Default true.
   */
  folding?: boolean;
  /**
   * Split code identifiers into their words too: `createRedisBudget` gives `createredisbudget`,
   * `create`, `redis` and `budget`; `max_tokens`, `HTTPServer`, `keel.cost_usd` and
   * `keel-mock` likewise, and a plural acronym is also its acronym (`PDFs` gives `pdfs` and
   * `pdf`). The whole identifier is kept (never stemmed); its parts are stemmed and stop-listed
   * like words. Default false.
   */
  identifiers?: boolean;
  /**
   * Read British spellings as American ones (`normalise` is `normalize`, `behaviour` is
   * `behavior`, `analyse` is `analyze`, `catalogue` is `catalog`), so a query in either
   * matches a document in the other; before stemming, and in each part of an identifier.
   * English only. Default false.
   */
  spelling?: boolean;
}

/** A function from text to its terms, with the descriptor of what it does. */
export interface Analyzer {
  (text: string): string[];
  readonly descriptor: AnalyzerDescriptor;
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
 * identifierParts('getURLs'); // ['get', 'URLs']
 * ```
 */
export function identifierParts(token: string): string[] {
  return token
    .split(SEPARATOR)
    .flatMap((segment) => segment.split(CASE_BOUNDARY))
    .filter((part) => part !== '');
}

/**
 * The words of every code identifier and plural acronym in `text`, space-separated: what a
 * full-text engine with its own parser (PostgreSQL) indexes beside the text to find identifiers
 * by their words and `PDFs` by `PDF`.
 *
 * @example
 * ```ts
 * identifierWords('Call createRedisBudget with max_tokens'); // 'create Redis Budget max tokens'
 * identifierWords('Read PDFs'); // 'PDF'
 * ```
 */
export function identifierWords(text: string): string {
  const words: string[] = [];
  for (const match of text.matchAll(DOTTED_WORD)) {
    const parts = identifierParts(match[0]);
    if (parts.length > 1) words.push(...parts);
    for (const part of parts) {
      const acronym = partWords(part)[1];
      if (acronym !== undefined) words.push(acronym);
    }
  }
  return words.join(' ');
}

/**
 * The American spelling of every word of `text` that British English writes otherwise,
 * space-separated: what a full-text engine with its own parser (PostgreSQL) indexes beside the
 * text to find British pages by American words, as the analyzer's `spelling` option reads them.
 *
 * @example
 * ```ts
 * americanWords('Usage is normalised by normalise Usage'); // 'normalized normalize'
 * ```
 */
export function americanWords(text: string): string {
  const words: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    const american = americanSpelling(word);
    if (american !== word) words.push(american);
  }
  return words.join(' ');
}

/**
 * Creates a function from text to its terms. Without stemming, analyzing the joined terms
 * again gives the same terms.
 *
 * @throws InvalidArgumentError for an unknown language or stemmer, the light stemmer or a
 * named English stop-word list with another language, a language without built-in stop
 * words with `stopWords: true`, or `identifiers` other than a boolean.
 * @example
 * ```ts
 * const analyze = createAnalyzer({ stemming: true, stopWords: true });
 * analyze('The Indexing of Documents'); // ['index', 'document']
 * createAnalyzer({ identifiers: true })('createRedisBudget'); // ['createredisbudget', 'create', 'redis', 'budget']
 * createAnalyzer({ language: 'french', stemming: true })('Les cafés'); // ['le', 'caf']
 * analyze.descriptor.stemmer; // { name: 'snowball-english', version: '0.6.0' }
 * ```
 */
export function createAnalyzer({
  language = 'english',
  stemming = false,
  stopWords = false,
  folding = true,
  identifiers = false,
  spelling = false,
}: AnalyzerOptions = {}): Analyzer {
  if (!ANALYZER_LANGUAGES.includes(language)) {
    throw new InvalidArgumentError({
      argument: 'language',
      message: `language must be one of ${ANALYZER_LANGUAGES.join(', ')}, got ${JSON.stringify(language)}`,
    });
  }
  const stemmer = stemming === true ? DEFAULT_STEMMER : stemming;
  if (stemmer !== false && stemmer !== 'snowball' && stemmer !== 'light') {
    throw new InvalidArgumentError({
      argument: 'stemming',
      message: `stemming must be true, false, 'snowball' or 'light', got ${JSON.stringify(stemming)}`,
    });
  }
  if (stemmer === 'light' && language !== 'english') {
    throw new InvalidArgumentError({
      argument: 'stemming',
      message: `The light stemmer is for English; use stemming: 'snowball' for ${language}`,
    });
  }
  const stem =
    stemmer === 'light'
      ? lightStem
      : stemmer === 'snowball'
        ? snowballStemmer(language)
        : undefined;
  if (typeof identifiers !== 'boolean') {
    throw new InvalidArgumentError({
      argument: 'identifiers',
      message: `identifiers must be true or false, got ${JSON.stringify(identifiers)}`,
    });
  }
  if (typeof spelling !== 'boolean') {
    throw new InvalidArgumentError({
      argument: 'spelling',
      message: `spelling must be true or false, got ${JSON.stringify(spelling)}`,
    });
  }
  if (spelling && language !== 'english') {
    throw new InvalidArgumentError({
      argument: 'spelling',
      message: `spelling reads British English as American; leave it off for ${language}`,
    });
  }
  const set = stopWords === false ? undefined : stopWordSet(language, stopWords);
  // With folding, words are stop-listed by their folded form: `etre` is `être`.
  const stop =
    set && new Set(folding ? set.words.map((word) => foldWord(normalizeText(word))) : set.words);
  const descriptor: AnalyzerDescriptor = Object.freeze({
    language,
    stemmer:
      stemmer === false
        ? null
        : stemmer === 'light'
          ? { ...LIGHT_STEMMER }
          : { name: `snowball-${language}`, version: SNOWBALL_VERSION },
    stopWords: set?.id ?? null,
    folding,
    identifiers,
    ...(identifiers && { identifierRules: IDENTIFIER_RULES }),
    ...(spelling && { spellingRules: SPELLING_RULES }),
  });

  /** A lower-case word as indexed: folded, spelled and stemmed, or null for a stop word. */
  function termOf(word: string): string | null {
    const folded = folding ? foldWord(word) : word;
    if (stop?.has(folded) || (spelling && stop?.has(americanSpelling(folded)))) return null;
    if (stem === undefined) return spelling ? americanSpelling(folded) : folded;
    // The stemmer reads the word with its diacritics (French and German stemmers use them).
    const stemmed = stem(spelling ? americanSpelling(word) : word);
    return folding ? foldWord(stemmed) : stemmed;
  }

  const memo = new Map<string, string | null>();
  function pushWord(terms: string[], word: string): void {
    let term = stem === undefined && !spelling ? termOf(word) : memo.get(word);
    if (term === undefined) {
      if (memo.size === TERM_MEMO_SIZE) memo.clear();
      term = termOf(word);
      memo.set(word, term);
    }
    if (term !== null) terms.push(term);
  }

  /** A part of an identifier as its words' terms (a stemmed `IDs` and `ID` are one term). */
  function pushPart(terms: string[], part: string): void {
    const count = terms.length;
    for (const word of partWords(part)) pushWord(terms, word.toLowerCase());
    if (terms.length === count + 2 && terms[count] === terms[count + 1]) terms.pop();
  }

  const analyze = identifiers
    ? // Case boundaries are read before lowercasing.
      function analyzeIdentifiers(text: string): string[] {
        const terms: string[] = [];
        for (const match of (folding ? normalizeText(text) : text).matchAll(DOTTED_WORD)) {
          const token = match[0];
          const parts = identifierParts(token);
          if (parts.length === 1) {
            pushPart(terms, token);
            continue;
          }
          const lowered = token.toLowerCase();
          // Spelled too, so the whole read again as a word gives itself (`isauthorized`).
          const whole = spelling ? americanSpelling(lowered) : lowered;
          const folded = folding ? foldWord(whole) : whole;
          if (!stop?.has(folded)) terms.push(folded);
          for (const part of parts) pushPart(terms, part);
        }
        return terms;
      }
    : function analyze(text: string): string[] {
        const terms: string[] = [];
        const lower = (folding ? normalizeText(text) : text).toLowerCase();
        for (const match of lower.matchAll(WORD)) pushWord(terms, match[0]);
        return terms;
      };
  return Object.assign(analyze, { descriptor });
}
