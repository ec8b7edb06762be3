/**
 * The Snowball stemmers (Porter2 for English) of the `snowball-stemmers` package, one per
 * language an analyzer can be built for.
 */
import { newStemmer } from 'snowball-stemmers';

/** The languages an analyzer stems (Snowball) and, for most, has stop words for. */
export const ANALYZER_LANGUAGES = [
  'arabic',
  'armenian',
  'basque',
  'catalan',
  'czech',
  'danish',
  'dutch',
  'english',
  'finnish',
  'french',
  'german',
  'hungarian',
  'irish',
  'italian',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'slovene',
  'spanish',
  'swedish',
  'tamil',
  'turkish',
] as const;

/** A language of {@link ANALYZER_LANGUAGES}. */
export type AnalyzerLanguage = (typeof ANALYZER_LANGUAGES)[number];

/**
 * The version of `snowball-stemmers` in analyzer descriptors: a test checks it against the
 * installed package, so a new version of the stemmers is a new descriptor.
 */
export const SNOWBALL_VERSION = '0.6.0';

/**
 * The Snowball stemmer of `language`, as a function of one lower-case word.
 *
 * @example
 * ```ts
 * snowballStemmer('english')('compressibility'); // 'compress'
 * ```
 */
export function snowballStemmer(language: AnalyzerLanguage): (word: string) => string {
  const stemmer = newStemmer(language);
  return (word) => stemmer.stem(word);
}
