/**
 * The error a deadline aborts with, so that callers can tell "too slow" apart from
 * "the caller cancelled".
 */
import { KeelError } from './keel-error';

const marker = 'keel.error.TimeoutError';
const symbol = Symbol.for(marker);

/**
 * Raised, or used as the abort reason, when an operation ran past its time limit.
 * Its `name` is `'TimeoutError'`, the same as the DOM's `AbortSignal.timeout()` reason.
 *
 * @example
 * ```ts
 * const { signal, clear } = deadlineSignal({ timeoutMs: 5_000 });
 * try { await fetch(url, { signal }) } catch (error) {
 *   if (TimeoutError.isInstance(error)) console.warn(`gave up after ${error.timeoutMs} ms`);
 * } finally { clear() }
 * ```
 */
export class TimeoutError extends KeelError {
  protected readonly [symbol] = true;

  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor({
    timeoutMs,
    message,
    cause,
  }: { timeoutMs: number; message?: string; cause?: unknown }) {
    super({
      name: 'TimeoutError',
      message:
        message ??
        `Operation timed out after ${timeoutMs} ms; raise the timeout or make the work smaller`,
      cause,
    });
    this.timeoutMs = timeoutMs;
  }

  /** True for a {@link TimeoutError} from any copy of Keel. */
  static override isInstance(error: unknown): error is TimeoutError {
    return KeelError.hasMarker(error, marker);
  }
}
