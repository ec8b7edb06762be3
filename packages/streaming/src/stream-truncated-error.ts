/**
 * The error for a provider stream that ended without its terminal event.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.StreamTruncatedError';
const symbol = Symbol.for(marker);

/**
 * The stream ended (cleanly, or by a reset whose error is the `cause`) before the provider's
 * terminal event (`[DONE]`, `message_stop`, `response.completed`): the answer may be cut short.
 * Retrying is usually safe.
 *
 * @example
 * ```ts
 * for await (const part of fromAnthropic(stream)) {
 *   if (part.type === 'error' && StreamTruncatedError.isInstance(part.error)) retryLater();
 * }
 * ```
 */
export class StreamTruncatedError extends KeelError {
  protected readonly [symbol] = true;

  /** The terminal event that never came. */
  readonly expected: string;
  /** A truncated stream can be retried. */
  readonly isRetryable = true;

  constructor({ expected, cause }: { expected: string; cause?: unknown }) {
    super({
      name: 'StreamTruncatedError',
      message: `The stream ended before its terminal event (${expected})${
        cause === undefined ? '' : ` because reading failed: ${describe(cause)}`
      }; the answer may be incomplete, retry the request`,
      cause,
    });
    this.expected = expected;
  }

  /** True for a {@link StreamTruncatedError} from any copy of Keel. */
  static override isInstance(error: unknown): error is StreamTruncatedError {
    return KeelError.hasMarker(error, marker);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
