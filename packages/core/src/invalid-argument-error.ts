/**
 * The error for a bad argument passed to a Keel function: caught before any work is done.
 */
import { KeelError } from './keel-error';

const marker = 'keel.error.InvalidArgumentError';
const symbol = Symbol.for(marker);

/**
 * A caller passed a value Keel cannot work with. The message names the argument, what was
 * received and what is accepted. Numbers are checked with `assertNumber` or `assertDelay`,
 * which build the message; throw it directly for anything else.
 *
 * @example
 * ```ts
 * if (!Number.isFinite(ms) || ms < 0) {
 *   throw new InvalidArgumentError({ argument: 'ms', message: `ms must be a finite number >= 0, got ${ms}` });
 * }
 * ```
 */
export class InvalidArgumentError extends KeelError {
  protected readonly [symbol] = true;

  /** The name of the offending argument or option, e.g. `'timeoutMs'`. */
  readonly argument: string;

  constructor({
    argument,
    message,
    cause,
  }: { argument: string; message: string; cause?: unknown }) {
    super({ name: 'InvalidArgumentError', message, cause });
    this.argument = argument;
  }

  /** True for an {@link InvalidArgumentError} from any copy of Keel. */
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return KeelError.hasMarker(error, marker);
  }
}
