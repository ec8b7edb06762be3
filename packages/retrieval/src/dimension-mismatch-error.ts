/**
 * The error for a vector or an index whose dimension is not the one expected.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.DimensionMismatchError';
const symbol = Symbol.for(marker);

/**
 * A vector, an embedder or an index on disk has a different dimension than the store.
 *
 * @example
 * ```ts
 * try { store.add([{ id, vector }]) } catch (error) {
 *   if (DimensionMismatchError.isInstance(error)) console.error(error.expected, error.actual);
 * }
 * ```
 */
export class DimensionMismatchError extends KeelError {
  protected readonly [symbol] = true;

  readonly expected: number;
  readonly actual: number;

  constructor({
    expected,
    actual,
    message,
  }: { expected: number; actual: number; message?: string }) {
    super({
      name: 'DimensionMismatchError',
      message:
        message ??
        `Vector has ${actual} dimensions but the store holds ${expected}; embed with the model the store was built with, or build a new store`,
    });
    this.expected = expected;
    this.actual = actual;
  }

  /** True for a {@link DimensionMismatchError} from any copy of Keel. */
  static override isInstance(error: unknown): error is DimensionMismatchError {
    return KeelError.hasMarker(error, marker);
  }
}
