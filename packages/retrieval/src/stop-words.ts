/**
 * The built-in stop-word sets, each with an id that names it and digests its words, so an
 * analyzer descriptor changes whenever the words do.
 */

import { InvalidArgumentError } from '@keel/core';
import { sha256 } from '@keel/core/internal';
import { stopwords as arabic } from '@orama/stopwords/arabic';
import { stopwords as armenian } from '@orama/stopwords/armenian';
import { stopwords as danish } from '@orama/stopwords/danish';
import { stopwords as dutch } from '@orama/stopwords/dutch';
import { stopwords as english } from '@orama/stopwords/english';
import { stopwords as finnish } from '@orama/stopwords/finnish';
import { stopwords as french } from '@orama/stopwords/french';
import { stopwords as german } from '@orama/stopwords/german';
import { stopwords as hungarian } from '@orama/stopwords/hungarian';
import { stopwords as irish } from '@orama/stopwords/irish';
import { stopwords as italian } from '@orama/stopwords/italian';
import { stopwords as norwegian } from '@orama/stopwords/norwegian';
import { stopwords as portuguese } from '@orama/stopwords/portuguese';
import { stopwords as romanian } from '@orama/stopwords/romanian';
import { stopwords as russian } from '@orama/stopwords/russian';
import { stopwords as spanish } from '@orama/stopwords/spanish';
import { stopwords as swedish } from '@orama/stopwords/swedish';
import { stopwords as tamil } from '@orama/stopwords/tamil';
import { stopwords as turkish } from '@orama/stopwords/turkish';
import type { AnalyzerLanguage } from './snowball-stem';

/** Keel's English stop words (`stopWords: 'keel'`; what `stopWords: true` meant before 0.2). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for from has have he her his i if in into is it its of on or our she so than that the their them then there these they this to was we were what when where which who will with you your'.split(
    ' ',
  ),
);

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` (`stopWords: 'lucene'`). */
const LUCENE_ENGLISH_STOP_WORDS: readonly string[] =
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  );

/** The lists of `@orama/stopwords` (`stopWords: true` or `'orama'`), by language. */
const ORAMA_STOP_WORDS: Partial<Record<AnalyzerLanguage, readonly string[]>> = {
  arabic,
  armenian,
  danish,
  dutch,
  english,
  finnish,
  french,
  german,
  hungarian,
  irish,
  italian,
  norwegian,
  portuguese,
  romanian,
  russian,
  spanish,
  swedish,
  tamil,
  turkish,
};

/** A named built-in stop-word set. */
export type StopWordSetName = 'keel' | 'lucene' | 'orama';

/** Stop words and the id that an analyzer descriptor records for them. */
export interface StopWordSet {
  /** `<name>-<language>-<digest>`, or `custom-<digest>` for a list of your own. */
  id: string;
  words: readonly string[];
}

function identified(name: string, words: Iterable<string>): StopWordSet {
  const list = [...new Set(words)].sort();
  return { id: `${name}-${sha256(list.join('\n')).slice(0, 12)}`, words: list };
}

/**
 * The stop words `stopWords` names for `language`: `true` is the language's `@orama/stopwords`
 * list (Snowball's for English, 180 words); an iterable is your own list, lower-cased.
 *
 * @throws InvalidArgumentError for a set the language does not have.
 * @example
 * ```ts
 * stopWordSet('english', 'lucene').words.length; // 33
 * ```
 */
export function stopWordSet(
  language: AnalyzerLanguage,
  stopWords: true | StopWordSetName | Iterable<string>,
): StopWordSet {
  if (typeof stopWords !== 'string' && stopWords !== true) {
    return identified(
      'custom',
      [...stopWords].map((word) => word.toLowerCase()),
    );
  }
  const name = stopWords === true ? 'orama' : stopWords;
  const words =
    name === 'keel' && language === 'english'
      ? ENGLISH_STOP_WORDS
      : name === 'lucene' && language === 'english'
        ? LUCENE_ENGLISH_STOP_WORDS
        : name === 'orama'
          ? ORAMA_STOP_WORDS[language]
          : undefined;
  if (words === undefined) {
    throw new InvalidArgumentError({
      argument: 'stopWords',
      message: `No built-in ${stopWords === true ? '' : `"${name}" `}stop words for ${language}; pass 'keel' or 'lucene' for English, 'orama' for a language that has them, or your own list`,
    });
  }
  return identified(`${name}-${language}`, words);
}
