/**
 * An approximation of Lucene's EnglishAnalyzer, the reference row of the quality bench:
 * StandardTokenizer (UAX #29 words, approximated by a regular expression: letters, digits and
 * `_`, joined across `.` and apostrophes), EnglishPossessiveFilter, LowerCaseFilter, StopFilter
 * with Lucene's 33 English stop words, PorterStemFilter (Porter's original algorithm).
 */
import { stemmer } from 'stemmer';

const STANDARD_TOKEN = /[\p{L}\p{N}_]+(?:['’.][\p{L}\p{N}_]+)*/gu;
const POSSESSIVE = /['’]s$/iu;

/** Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET. */
const LUCENE_ENGLISH_STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

/** The terms of `text`, as Lucene's EnglishAnalyzer would index them. */
export function luceneEnglishTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [token] of text.matchAll(STANDARD_TOKEN)) {
    const word = token.replace(POSSESSIVE, '').toLowerCase();
    if (word === '' || LUCENE_ENGLISH_STOP_WORDS.has(word)) continue;
    terms.push(stemmer(word));
  }
  return terms;
}
