/**
 * Checks of numeric options, so a bad limit fails where it is passed instead of deep in a run.
 */
import { InvalidArgumentError, MAX_TIMER_DELAY_MS } from '@keel/core';

/** Throws unless `value` is a whole number from 1 to 2^31 - 1 (the longest timer delay). */
export function assertPositiveInteger(argument: string, value: unknown): void {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_TIMER_DELAY_MS
  ) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a whole number from 1 to ${MAX_TIMER_DELAY_MS}, got ${String(value)}`,
    });
  }
}
