/**
 * The error for an event payload that is not the JSON a provider stream promises.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.StreamParseError';
const symbol = Symbol.for(marker);

/**
 * An event's `data` was not valid JSON (or not a JSON object). `data` holds the raw text, cut to
 * its first 1,000 characters.
 *
 * @example
 * ```ts
 * if (StreamParseError.isInstance(part.error)) log.warn({ data: part.error.data }, 'bad event');
 * ```
 */
export class StreamParseError extends KeelError {
  protected readonly [symbol] = true;

  /** The offending payload (at most 1,000 characters). */
  readonly data: string;

  constructor({ data, cause }: { data: string; cause?: unknown }) {
    super({
      name: 'StreamParseError',
      message: `A stream event's data is not a JSON object: ${JSON.stringify(data.slice(0, 80))}${
        data.length > 80 ? '…' : ''
      }; the provider or a proxy corrupted the stream`,
      cause,
    });
    this.data = data.slice(0, 1000);
  }

  /** True for a {@link StreamParseError} from any copy of Keel. */
  static override isInstance(error: unknown): error is StreamParseError {
    return KeelError.hasMarker(error, marker);
  }
}
