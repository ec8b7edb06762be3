/**
 * A fact refused before it was stored: from the caller (`addFact`) or from a model's extraction
 * (reported, never thrown, by `remember`).
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.InvalidFactError';
const symbol = Symbol.for(marker);

/** Which part of the fact was wrong. */
export type InvalidFactField =
  | 'scope'
  | 'subject'
  | 'statement'
  | 'confidence'
  | 'source'
  | 'supersedes';

/**
 * Thrown by `addFact` for a fact that does not validate; what `remember` reports for each
 * extracted fact it refused.
 *
 * @example
 * ```ts
 * try { await memory.addFact(context, input) } catch (error) {
 *   if (InvalidFactError.isInstance(error)) console.warn(error.field, error.message);
 * }
 * ```
 */
export class InvalidFactError extends KeelError {
  protected readonly [symbol] = true;
  readonly field: InvalidFactField;

  constructor({ field, message }: { field: InvalidFactField; message: string }) {
    super({ name: 'InvalidFactError', message });
    this.field = field;
  }

  static override isInstance(error: unknown): error is InvalidFactError {
    return KeelError.hasMarker(error, marker);
  }
}
