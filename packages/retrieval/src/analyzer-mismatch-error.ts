/**
 * The error for an index directory saved with another text analyzer.
 */
import { KeelError } from '@keel/core';
import { type AnalyzerDescriptor, formatAnalyzer } from './analyzer-descriptor';

const marker = 'keel.error.AnalyzerMismatchError';
const symbol = Symbol.for(marker);

/**
 * The index at `path` was built with the analyzer `indexAnalyzer` but was opened with
 * `requestedAnalyzer`: its terms would not match the new queries' terms, so it is not opened.
 *
 * @example
 * ```ts
 * try { await createRetriever({ directory }) } catch (error) {
 *   if (AnalyzerMismatchError.isInstance(error)) console.error(error.indexAnalyzer);
 * }
 * ```
 */
export class AnalyzerMismatchError extends KeelError {
  protected readonly [symbol] = true;

  readonly path: string;
  readonly indexAnalyzer: AnalyzerDescriptor;
  readonly requestedAnalyzer: AnalyzerDescriptor;

  constructor({
    path,
    indexAnalyzer,
    requestedAnalyzer,
  }: { path: string; indexAnalyzer: AnalyzerDescriptor; requestedAnalyzer: AnalyzerDescriptor }) {
    super({
      name: 'AnalyzerMismatchError',
      message: `Index at ${path} was built with analyzer (${formatAnalyzer(indexAnalyzer)}) but was opened with (${formatAnalyzer(requestedAnalyzer)}); pass the same analyzer options (bm25: { language, stemming, stopWords, folding, identifiers, spelling }) or rebuild the index into a new directory`,
    });
    this.path = path;
    this.indexAnalyzer = indexAnalyzer;
    this.requestedAnalyzer = requestedAnalyzer;
  }

  /** True for an {@link AnalyzerMismatchError} from any copy of Keel. */
  static override isInstance(error: unknown): error is AnalyzerMismatchError {
    return KeelError.hasMarker(error, marker);
  }
}
