/**
 * The analyzer of the first release (0.1.0), before analyzers were recorded: the same options as
 * they were read then (Keel's light English stemmer and stop words, no folding, no identifiers).
 */
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import type { AnalyzerDescriptor } from './analyzer-descriptor';

/**
 * The descriptor that `options` had in the first release.
 *
 * @example
 * ```ts
 * legacyAnalyzer({ stemming: true }).stemmer; // { name: 'keel-light', version: '1' }
 * ```
 */
export function legacyAnalyzer({
  stemming = false,
  stopWords = false,
}: AnalyzerOptions): AnalyzerDescriptor {
  return createAnalyzer({
    stemming: stemming === false ? false : 'light',
    stopWords: stopWords === true ? 'keel' : stopWords,
    folding: false,
  }).descriptor;
}
