/**
 * The error for a server-sent event larger than the parser accepts.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.SSEEventTooLargeError';
const symbol = Symbol.for(marker);

/**
 * An event grew past `maxEventSize` before its blank line arrived. The parser stops instead of
 * buffering without bound; the stream is broken or hostile.
 *
 * @example
 * ```ts
 * try { for await (const event of parseSSE(body)) handle(event) } catch (error) {
 *   if (SSEEventTooLargeError.isInstance(error)) console.warn(`event over ${error.limit} chars`);
 * }
 * ```
 */
export class SSEEventTooLargeError extends KeelError {
  protected readonly [symbol] = true;

  /** The limit that was exceeded, in characters. */
  readonly limit: number;

  constructor({ limit }: { limit: number }) {
    super({
      name: 'SSEEventTooLargeError',
      message: `A server-sent event exceeded ${limit} characters; raise maxEventSize if the provider really sends events this large`,
    });
    this.limit = limit;
  }

  /** True for an {@link SSEEventTooLargeError} from any copy of Keel. */
  static override isInstance(error: unknown): error is SSEEventTooLargeError {
    return KeelError.hasMarker(error, marker);
  }
}
