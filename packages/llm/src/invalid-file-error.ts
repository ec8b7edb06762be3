/**
 * The error for an image or document a provider would refuse.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.InvalidFileError';
const symbol = Symbol.for(marker);

/**
 * Why a file was refused: its data is not base64, its bytes are no format Keel sends, they
 * contradict the declared media type, it is larger (or a PDF longer) than the provider takes,
 * or the provider does not take this kind of file from this kind of source.
 */
export type InvalidFileReason =
  | 'not-base64'
  | 'unknown-type'
  | 'type-mismatch'
  | 'too-large'
  | 'too-many-pages'
  | 'unsupported';

/**
 * An image or document part that the provider would refuse, caught before the request is
 * sent. The message names the part and what to do.
 *
 * @example
 * ```ts
 * if (InvalidFileError.isInstance(error) && error.reason === 'too-large') await shrink(error.part);
 * ```
 */
export class InvalidFileError extends KeelError {
  protected readonly [symbol] = true;

  readonly reason: InvalidFileReason;
  /** Where the part is, e.g. `request.messages[0].content[1]`. */
  readonly part: string;
  /** The provider API it was meant for. */
  readonly provider: string;

  constructor({
    reason,
    part,
    provider,
    message,
  }: {
    reason: InvalidFileReason;
    part: string;
    provider: string;
    message: string;
  }) {
    super({ name: 'InvalidFileError', message });
    this.reason = reason;
    this.part = part;
    this.provider = provider;
  }

  /** True for an {@link InvalidFileError} from any copy of Keel. */
  static override isInstance(error: unknown): error is InvalidFileError {
    return KeelError.hasMarker(error, marker);
  }
}
