/**
 * Checks a vector before it reaches an index: the right length and finite numbers only.
 */
import { InvalidArgumentError } from '@keel/core';
import { DimensionMismatchError } from './dimension-mismatch-error';

/** A vector as embedders produce it or callers pass it. */
export type Vector = Float32Array | readonly number[];

/**
 * @throws DimensionMismatchError when `vector` does not have `dim` entries.
 * @throws InvalidArgumentError when an entry is NaN or infinite.
 */
export function assertVector(vector: Vector, dim: number, argument = 'vector'): void {
  if (vector === null || typeof vector !== 'object' || typeof vector.length !== 'number') {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an array of numbers or a Float32Array, got ${typeof vector}`,
    });
  }
  if (vector.length !== dim)
    throw new DimensionMismatchError({ expected: dim, actual: vector.length });
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) {
      throw new InvalidArgumentError({
        argument,
        message: `${argument}[${i}] is ${vector[i]}; vectors must hold finite numbers (check the embedder's output)`,
      });
    }
  }
}
