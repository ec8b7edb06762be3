/**
 * The error of a call that a local rate limiter would have to hold too long.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.RateLimitExceededError';
const symbol = Symbol.for(marker);

/**
 * Admitting the call would wait longer than the limiter's `maxWaitMs`; `retryAfterMs` says when
 * it would fit.
 *
 * @example
 * ```ts
 * const permit = await limiter.acquire({ tokens: 2_000 }).catch((e) => {
 *   if (RateLimitExceededError.isInstance(e)) throw new HttpError(429, { retryAfterMs: e.retryAfterMs });
 *   throw e;
 * });
 * ```
 */
export class RateLimitExceededError extends KeelError {
  protected readonly [symbol] = true;

  /** Milliseconds until the request would fit the limits. */
  readonly retryAfterMs: number;

  constructor({ retryAfterMs, maxWaitMs }: { retryAfterMs: number; maxWaitMs: number }) {
    super({
      name: 'RateLimitExceededError',
      message: `Rate limit reached: this call fits in ${Math.ceil(retryAfterMs)} ms, longer than maxWaitMs (${maxWaitMs} ms); retry later or raise the limit`,
    });
    this.retryAfterMs = retryAfterMs;
  }

  /** True for a {@link RateLimitExceededError} from any copy of Keel. */
  static override isInstance(error: unknown): error is RateLimitExceededError {
    return KeelError.hasMarker(error, marker);
  }
}
