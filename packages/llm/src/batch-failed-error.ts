/**
 * The error for a batch that failed as a whole.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.BatchFailedError';
const symbol = Symbol.for(marker);

/** One reason the provider gave for failing a batch. */
export interface BatchFailure {
  code: string;
  message: string;
  /** The input line it concerns, when it concerns one. */
  line?: number;
}

/**
 * The provider failed the whole batch (OpenAI's `failed` status: its input did not validate, or
 * an organisation limit such as the enqueued-token limit was reached). No request ran. A batch
 * that expired or was cancelled is not an error: its requests come back one by one, the ones
 * that never ran as `expired` or `canceled` items.
 *
 * @example
 * ```ts
 * if (BatchFailedError.isInstance(error)) console.error(error.batchId, error.failures);
 * ```
 */
export class BatchFailedError extends KeelError {
  protected readonly [symbol] = true;

  /** The provider's batch id. */
  readonly batchId: string;
  /** The provider's reasons, in its order. */
  readonly failures: BatchFailure[];

  constructor({ batchId, failures }: { batchId: string; failures: BatchFailure[] }) {
    const reasons = failures
      .map(
        ({ code, message, line }) =>
          `${code}${line === undefined ? '' : ` (line ${line})`}: ${message}`,
      )
      .join('; ');
    super({
      name: 'BatchFailedError',
      message: `Batch ${batchId} failed before running any request${reasons === '' ? '' : ` (${reasons})`}; fix the cause and submit the requests again`,
    });
    this.batchId = batchId;
    this.failures = failures;
  }

  /** True for a {@link BatchFailedError} from any copy of Keel. */
  static override isInstance(error: unknown): error is BatchFailedError {
    return KeelError.hasMarker(error, marker);
  }
}
