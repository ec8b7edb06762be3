/**
 * The check on the text every counting and truncating function takes.
 */
import { InvalidArgumentError } from '@keel/core';
import { describeValue } from '@keel/core/internal';

/** Throws an InvalidArgumentError unless `text` is a string. */
export function assertText(text: unknown, argument = 'text'): asserts text is string {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a string, got ${describeValue(text)}; convert it with String() or JSON.stringify() first`,
    });
  }
}
