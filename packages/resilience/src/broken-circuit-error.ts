/**
 * The error of a call refused because its circuit breaker is open.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.BrokenCircuitError';
const symbol = Symbol.for(marker);

/**
 * The breaker is open (or half-open with its trial calls taken): the call was not made.
 * `retryAfterMs` says when the breaker will let a trial call through.
 *
 * @example
 * ```ts
 * try { await breaker.execute(call) } catch (error) {
 *   if (BrokenCircuitError.isInstance(error)) return useCachedAnswer();
 *   throw error;
 * }
 * ```
 */
export class BrokenCircuitError extends KeelError {
  protected readonly [symbol] = true;

  /** Milliseconds until the breaker admits a trial call. */
  readonly retryAfterMs: number;
  /** The breaker's key, when it came from a keyed set. */
  readonly key: string | undefined;

  constructor({
    retryAfterMs,
    key,
    cause,
  }: { retryAfterMs: number; key?: string; cause?: unknown }) {
    super({
      name: 'BrokenCircuitError',
      message: `Circuit breaker${key ? ` "${key}"` : ''} is open after repeated failures; the call was not made. A trial call is allowed in ${Math.ceil(retryAfterMs)} ms; fall back to another model meanwhile.`,
      cause,
    });
    this.retryAfterMs = retryAfterMs;
    this.key = key;
  }

  /** True for a {@link BrokenCircuitError} from any copy of Keel. */
  static override isInstance(error: unknown): error is BrokenCircuitError {
    return KeelError.hasMarker(error, marker);
  }
}
