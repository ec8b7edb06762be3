/**
 * The check behind every count-like option (k, sizes, limits).
 */
import { InvalidArgumentError } from '@keel/core';

/** @throws InvalidArgumentError naming `argument` unless `value` is an integer >= `min`. */
export function assertInteger(argument: string, value: number, min = 1): void {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an integer >= ${min}, got ${value}`,
    });
  }
}
