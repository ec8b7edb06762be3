/**
 * The error for resuming a batch the store does not hold.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.UnknownBatchError';
const symbol = Symbol.for(marker);

/**
 * `resume(id)` was given a batch id its batch store has no record of: the batch was submitted
 * with another store (an in-memory store forgets on restart), or its results were already
 * collected (a collected batch is removed from the store).
 *
 * @example
 * ```ts
 * if (UnknownBatchError.isInstance(error)) console.error(`no record of ${error.batchId}`);
 * ```
 */
export class UnknownBatchError extends KeelError {
  protected readonly [symbol] = true;

  /** The id that was asked for. */
  readonly batchId: string;

  constructor({ batchId }: { batchId: string }) {
    super({
      name: 'UnknownBatchError',
      message: `Batch ${batchId} is not in the batch store; resume with the store it was submitted with (pass a persistent store: see "Batches" in the @keel/llm README), or submit the requests again`,
    });
    this.batchId = batchId;
  }

  /** True for an {@link UnknownBatchError} from any copy of Keel. */
  static override isInstance(error: unknown): error is UnknownBatchError {
    return KeelError.hasMarker(error, marker);
  }
}
