/**
 * The analyzer of an index saved before analyzers were recorded: the same options as they were
 * read then (Keel's light English stemmer and stop words, no folding, the first identifier rules).
 */
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import type { AnalyzerDescriptor } from './analyzer-descriptor';

/**
 * The descriptor that `options` had before analyzers were recorded with an index.
 *
 * @example
 * ```ts
 * legacyAnalyzer({ stemming: true }).stemmer; // { name: 'keel-light', version: '1' }
 * ```
 */
export function legacyAnalyzer({
  stemming = false,
  stopWords = false,
  identifiers = false,
}: AnalyzerOptions): AnalyzerDescriptor {
  return createAnalyzer({
    stemming: stemming === false ? false : 'light',
    stopWords: stopWords === true ? 'keel' : stopWords,
    identifiers: identifiers === false ? false : 'v1',
    folding: false,
  }).descriptor;
}
