/**
 * Argument checks shared by the public functions, each throwing an InvalidArgumentError whose
 * message says what was wrong and what to pass instead.
 */
import { InvalidArgumentError } from '@keel/core';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value;
}

/** Throws unless `text` is a string. */
export function assertText(text: unknown, argument = 'text'): asserts text is string {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a string, got ${describe(text)}; convert it with String() or JSON.stringify() first`,
    });
  }
}

/** Throws unless `value` is a whole number >= 0 (or Infinity when `allowInfinity`). */
export function assertLimit(value: unknown, argument: string): asserts value is number {
  if (
    typeof value !== 'number' ||
    !(Number.isInteger(value) || value === Number.POSITIVE_INFINITY) ||
    value < 0
  ) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a whole number >= 0, got ${describe(value)}`,
    });
  }
}

/** Throws unless `value` is a finite number >= 0. */
export function assertAmount(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a finite number >= 0, got ${describe(value)}`,
    });
  }
}
