/**
 * The error of a call turned away by a concurrency limiter.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.ConcurrencyLimitError';
const symbol = Symbol.for(marker);

/** Why the limiter refused: its queue was full, or the call waited longer than the queue timeout. */
export type ConcurrencyLimitReason = 'queue-full' | 'queue-timeout';

/**
 * All slots were busy and the call could not wait. Retryable: the overload is local and passes.
 *
 * @example
 * ```ts
 * const limit = concurrencyLimit({ maxConcurrent: 8, maxQueue: 100 });
 * await limit.execute(call).catch((e) => { if (ConcurrencyLimitError.isInstance(e)) shed(e.reason); else throw e; });
 * ```
 */
export class ConcurrencyLimitError extends KeelError {
  protected readonly [symbol] = true;

  readonly reason: ConcurrencyLimitReason;
  readonly isRetryable = true;

  constructor({
    reason,
    maxConcurrent,
    limit,
  }: { reason: ConcurrencyLimitReason; maxConcurrent: number; limit: number }) {
    super({
      name: 'ConcurrencyLimitError',
      message:
        reason === 'queue-full'
          ? `All ${maxConcurrent} slots are busy and the queue of ${limit} is full; shed load or raise maxQueue`
          : `Waited ${limit} ms for one of ${maxConcurrent} slots; raise queueTimeoutMs or maxConcurrent`,
    });
    this.reason = reason;
  }

  /** True for a {@link ConcurrencyLimitError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ConcurrencyLimitError {
    return KeelError.hasMarker(error, marker);
  }
}
