/**
 * Ordered alternatives (another model, another provider), tried only after a failure that
 * another backend could avoid, and only before any output reached the caller.
 */
import { type Classification, classify as defaultClassify } from './classify';
import { type ExecuteOptions, type PolicyContext, toContext } from './policy';

/** Options of {@link fallback} and {@link fallbackStream}. */
export interface FallbackOptions extends ExecuteOptions {
  /** Which failures move on to the next alternative: `retryable` and `rate-limited` (which includes an open breaker). */
  classify?: (error: unknown) => Classification;
  /** Called when alternative `from` failed and `to` is tried next. */
  onFallback?: (event: { from: number; to: number; error: unknown }) => void;
}

const movesOn = (classification: Classification) =>
  classification === 'retryable' || classification === 'rate-limited';

/**
 * Runs the first alternative; on a retryable, rate-limited or breaker-open failure, the next.
 * Fatal errors and aborts are thrown at once; when every alternative fails, the last error is.
 *
 * @example
 * ```ts
 * const answer = await fallback([
 *   ({ signal }) => gpt4o.generate(request, { signal }),
 *   ({ signal }) => claude.generate(request, { signal }),
 * ], { signal, onFallback: ({ error }) => log.warn('falling back', error) });
 * ```
 */
export async function fallback<T>(
  alternatives: ReadonlyArray<(context: PolicyContext) => T | Promise<T>>,
  { classify = defaultClassify, onFallback, ...options }: FallbackOptions = {},
): Promise<T> {
  const context = toContext(options);
  for (const [index, alternative] of alternatives.entries()) {
    context.throwIfAborted();
    try {
      return await alternative(context);
    } catch (error) {
      if (context.aborted || index === alternatives.length - 1 || !movesOn(classify(error)))
        throw error;
      onFallback?.({ from: index, to: index + 1, error });
    }
  }
  throw new RangeError('fallback() needs at least one alternative');
}

/**
 * The streaming form: yields the first alternative's items; moves on only if it fails before
 * yielding anything. A failure after output started is thrown, never replayed elsewhere.
 *
 * @example
 * ```ts
 * for await (const part of fallbackStream([
 *   ({ signal }) => gpt4o.stream(request, { signal }),
 *   ({ signal }) => claude.stream(request, { signal }),
 * ], { signal })) render(part);
 * ```
 */
export async function* fallbackStream<T>(
  alternatives: ReadonlyArray<(context: PolicyContext) => AsyncIterable<T>>,
  { classify = defaultClassify, onFallback, ...options }: FallbackOptions = {},
): AsyncGenerator<T, void, undefined> {
  const context = toContext(options);
  for (const [index, alternative] of alternatives.entries()) {
    context.throwIfAborted();
    let started = false;
    try {
      for await (const item of alternative(context)) {
        started = true;
        yield item;
      }
      return;
    } catch (error) {
      if (
        started ||
        context.aborted ||
        index === alternatives.length - 1 ||
        !movesOn(classify(error))
      )
        throw error;
      onFallback?.({ from: index, to: index + 1, error });
    }
  }
  throw new RangeError('fallbackStream() needs at least one alternative');
}
