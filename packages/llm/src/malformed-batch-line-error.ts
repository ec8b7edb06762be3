/**
 * The error for a line of a batch's results that cannot be read.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.MalformedBatchLineError';
const symbol = Symbol.for(marker);

/**
 * A line of a batch's results is not what the provider documents: it has no `custom_id`, names
 * a request the batch never had, or its result has an unknown type. The batch's other lines
 * are not lost: the batch stays in its store, so `resume(id)` can read them again.
 *
 * @example
 * ```ts
 * if (MalformedBatchLineError.isInstance(error)) console.error(error.batchId, error.line);
 * ```
 */
export class MalformedBatchLineError extends KeelError {
  protected readonly [symbol] = true;

  /** The provider's batch id. */
  readonly batchId: string;
  /** The 1-based line of the results. */
  readonly line: number;

  constructor({ batchId, line, problem }: { batchId: string; line: number; problem: string }) {
    super({
      name: 'MalformedBatchLineError',
      message: `Line ${line} of the results of batch ${batchId} ${problem}; check that the base URL points at the provider's batch API, or report the line to the provider`,
    });
    this.batchId = batchId;
    this.line = line;
  }

  /** True for a {@link MalformedBatchLineError} from any copy of Keel. */
  static override isInstance(error: unknown): error is MalformedBatchLineError {
    return KeelError.hasMarker(error, marker);
  }
}
