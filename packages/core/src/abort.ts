/**
 * Small helpers for cooperative cancellation with `AbortSignal`.
 */

/**
 * Throws the signal's reason if it has been aborted; does nothing when `signal` is undefined.
 * Call it before each attempt and between steps of long work.
 *
 * @example
 * ```ts
 * for (const chunk of chunks) {
 *   throwIfAborted(signal);
 *   await embed(chunk);
 * }
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/**
 * True when `error` is the standard abort error (`name === 'AbortError'`), as thrown by
 * `fetch`, streams and `AbortController.abort()` without a custom reason.
 *
 * @example
 * ```ts
 * try { await sleep(1_000, { signal }) } catch (error) {
 *   if (isAbortError(error)) return; // the caller cancelled: not a failure
 *   throw error;
 * }
 * ```
 */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}
