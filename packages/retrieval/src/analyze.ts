/**
 * Text analysis shared by BM25 and the local embedder: a Unicode-aware word tokenizer with
 * NFKC and diacritic folding, lowercasing, optional code-identifier splitting, and stop words
 * and Snowball stemming per language. Each analyzer carries a descriptor of what it does.
 */
import { InvalidArgumentError } from '@keel/core';
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
 * lower-case letter (`HTTPServer`), unless that letter is a lone plural `s` (`PDFs`, `getURLsFor`).
 * Letters next to digits stay together (`gpt4o`, `p50`).
 */
const CASE_BOUNDARY =
  /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})(?!\p{Lu}s(?!\p{Ll}))/u;
/** A plural acronym (`PDFs`, `IDs`): its word is the acronym, which stemmers leave as it is. */
const PLURAL_ACRONYM = /^(\p{Lu}{2,})s$/u;

/** How identifiers are split into words, and the word each part stands for. */
interface IdentifierRules {
  caseBoundary: RegExp;
  word(part: string): string;
}

/** The rules of `identifiers: true`: plural acronyms are one word, the acronym. */
const IDENTIFIER_RULES: IdentifierRules = {
  caseBoundary: CASE_BOUNDARY,
  word: (part) => PLURAL_ACRONYM.exec(part)?.[1] ?? part,
};
/** Their version, as descriptors record it. */
const IDENTIFIER_RULES_VERSION = 2;
/** The first rules (`identifiers: 'v1'`), which split plural acronyms (`PDFs` as `PD`, `Fs`). */
const FIRST_IDENTIFIER_RULES: IdentifierRules = {
  caseBoundary: /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u,
  word: (part) => part,
};

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
   * `keel-mock` likewise, while a plural acronym stays one word (`PDFs` is `pdf` stemmed). The
   * whole identifier is kept (never stemmed); its parts are stemmed and stop-listed like words.
   * `'v1'` applies the first rules, which split plural acronyms (`PDFs` as `pd` and `fs`), to
   * open an index built with them. Default false.
   */
  identifiers?: boolean | 'v1';
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
  return splitIdentifier(token, IDENTIFIER_RULES);
}

function splitIdentifier(token: string, { caseBoundary }: IdentifierRules): string[] {
  return token
    .split(SEPARATOR)
    .flatMap((segment) => segment.split(caseBoundary))
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
    const partWords = parts.map(IDENTIFIER_RULES.word);
    if (parts.length > 1 || partWords[0] !== parts[0]) words.push(...partWords);
  }
  return words.join(' ');
}

/**
 * Creates a function from text to its terms. Without stemming, analyzing the joined terms
 * again gives the same terms.
 *
 * @throws InvalidArgumentError for an unknown language or stemmer, the light stemmer or a
 * named English stop-word list with another language, or a language without built-in stop
 * words with `stopWords: true`.
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
    identifiers: identifiers !== false,
    // Descriptors saved before the rules had versions hold none: those are the first rules.
    ...(identifiers === true && { identifierRules: IDENTIFIER_RULES_VERSION }),
  });
  const rules = identifiers === 'v1' ? FIRST_IDENTIFIER_RULES : IDENTIFIER_RULES;

  /** A lower-case word as indexed: folded and stemmed, or null for a stop word. */
  function termOf(word: string): string | null {
    const folded = folding ? foldWord(word) : word;
    if (stop?.has(folded)) return null;
    if (stem === undefined) return folded;
    // The stemmer reads the word with its diacritics (French and German stemmers use them).
    return folding ? foldWord(stem(word)) : stem(word);
  }

  const memo = new Map<string, string | null>();
  function pushWord(terms: string[], word: string): void {
    let term = stem === undefined ? termOf(word) : memo.get(word);
    if (term === undefined) {
      if (memo.size === TERM_MEMO_SIZE) memo.clear();
      term = termOf(word);
      memo.set(word, term);
    }
    if (term !== null) terms.push(term);
  }

  const analyze = identifiers
    ? // Case boundaries are read before lowercasing.
      function analyzeIdentifiers(text: string): string[] {
        const terms: string[] = [];
        for (const match of (folding ? normalizeText(text) : text).matchAll(DOTTED_WORD)) {
          const token = match[0];
          const parts = splitIdentifier(token, rules);
          if (parts.length === 1) {
            pushWord(terms, rules.word(token).toLowerCase());
            continue;
          }
          const whole = token.toLowerCase();
          const folded = folding ? foldWord(whole) : whole;
          if (!stop?.has(folded)) terms.push(folded);
          for (const part of parts) pushWord(terms, rules.word(part).toLowerCase());
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
