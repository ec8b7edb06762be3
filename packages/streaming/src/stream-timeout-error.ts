/**
 * The error for a stream that stalled: no first byte, or a silence between chunks, too long.
 */
import { KeelError, TimeoutError } from '@keel/core';

const marker = 'keel.error.StreamTimeoutError';
const symbol = Symbol.for(marker);

/** Which wait ran out: for the first chunk, or between two chunks. */
export type StreamTimeoutPhase = 'first-byte' | 'idle';

/**
 * No chunk arrived within `timeoutMs` (before the first one, or after the last one). The upstream
 * body has been cancelled. Also a {@link TimeoutError}, so deadline handling catches it.
 *
 * @example
 * ```ts
 * if (StreamTimeoutError.isInstance(error) && error.phase === 'first-byte') useFallbackModel();
 * ```
 */
export class StreamTimeoutError extends TimeoutError {
  protected readonly [symbol] = true;

  readonly phase: StreamTimeoutPhase;
  /** A stalled stream can be retried. */
  readonly isRetryable = true;

  constructor({ phase, timeoutMs }: { phase: StreamTimeoutPhase; timeoutMs: number }) {
    super({
      timeoutMs,
      message:
        phase === 'first-byte'
          ? `No data arrived within ${timeoutMs} ms of the stream's start; the upstream was cancelled, retry or raise firstByteTimeoutMs`
          : `The stream stalled for ${timeoutMs} ms; the upstream was cancelled, retry or raise idleTimeoutMs`,
    });
    this.name = 'StreamTimeoutError';
    this.phase = phase;
  }

  /** True for a {@link StreamTimeoutError} from any copy of Keel. */
  static override isInstance(error: unknown): error is StreamTimeoutError {
    return KeelError.hasMarker(error, marker);
  }
}
