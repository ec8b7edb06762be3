/**
 * What an analyzer does, as a plain value: saved with an index and compared when it is opened,
 * since terms made by one analyzer do not match terms made by another.
 */
import { sha256 } from '@keel/core/internal';
import type { AnalyzerLanguage } from './snowball-stem';

/** A serialisable description of an analyzer; equal descriptors give equal terms. */
export interface AnalyzerDescriptor {
  language: AnalyzerLanguage;
  /** The stemmer and its version (`snowball-english` 0.6.0, `keel-light` 1); null without stemming. */
  stemmer: { name: string; version: string } | null;
  /** Id of the stop-word set (its name and a digest of its words); null without stop words. */
  stopWords: string | null;
  /** NFKC and diacritics removed (`café` is `cafe`). */
  folding: boolean;
  /** Code identifiers split into their words too. */
  identifiers: boolean;
  /**
   * The version of the identifier rules: 2 reads plural acronyms (`PDFs` is also `pdf`);
   * absent without identifiers, and in descriptors saved before the rules read them.
   */
  identifierRules?: number;
  /** The version of the spelling rules (British read as American); absent when off. */
  spellingRules?: number;
}

/**
 * The descriptor's fields in a fixed order, as one line: compare two descriptors with it and
 * show them in messages.
 *
 * @example
 * ```ts
 * formatAnalyzer(createAnalyzer().descriptor);
 * // 'language english, stemmer none, stop words none, folding on, identifiers off'
 * ```
 */
export function formatAnalyzer({
  language,
  stemmer,
  stopWords,
  folding,
  identifiers,
  identifierRules,
  spellingRules,
}: AnalyzerDescriptor): string {
  return [
    `language ${language}`,
    `stemmer ${stemmer === null ? 'none' : `${stemmer.name}@${stemmer.version}`}`,
    `stop words ${stopWords ?? 'none'}`,
    `folding ${folding ? 'on' : 'off'}`,
    `identifiers ${identifiers ? (identifierRules === undefined ? 'on' : `on (rules ${identifierRules})`) : 'off'}`,
    // Absent from descriptors made without it, so theirs read as before.
    ...(spellingRules === undefined ? [] : [`spelling american (rules ${spellingRules})`]),
  ].join(', ');
}

/**
 * A short id of a descriptor (12 hex digits), for names that must change with the analyzer,
 * such as an embedding model id.
 *
 * @example
 * ```ts
 * analyzerDigest(createAnalyzer().descriptor); // 12 hex digits
 * ```
 */
export function analyzerDigest(descriptor: AnalyzerDescriptor): string {
  return sha256(formatAnalyzer(descriptor)).slice(0, 12);
}
