/**
 * The error for an error event sent by the provider inside a stream.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.ProviderStreamError';
const symbol = Symbol.for(marker);

/** Which wire protocol a stream speaks. */
export type StreamProvider = 'openai-chat' | 'openai-responses' | 'anthropic';

/** Provider error types worth retrying: overload, rate limits, server faults. */
const retryableTypes: ReadonlySet<string> = new Set([
  'overloaded_error',
  'rate_limit_error',
  'api_error',
  'server_error',
  'rate_limit_exceeded',
  'internal_error',
  'timeout_error',
]);

/**
 * The provider reported a failure in-band (Anthropic's `event: error`, an OpenAI `error` object
 * or Responses `error` / `response.failed` event), or the SDK threw it for such an event (then
 * it is the `cause`). `type` and `providerMessage` are the provider's own; `raw` is the payload.
 *
 * @example
 * ```ts
 * if (ProviderStreamError.isInstance(part.error) && part.error.isRetryable) await retry();
 * ```
 */
export class ProviderStreamError extends KeelError {
  protected readonly [symbol] = true;

  readonly provider: StreamProvider;
  /** The provider's error type or code, e.g. `overloaded_error`, `server_error`. */
  readonly type: string;
  /** The provider's message. */
  readonly providerMessage: string;
  /** True for overload, rate-limit and server errors. */
  readonly isRetryable: boolean;
  /** The error event's payload as sent. */
  readonly raw: unknown;

  constructor({
    provider,
    type,
    message,
    raw,
    cause,
  }: { provider: StreamProvider; type: string; message: string; raw: unknown; cause?: unknown }) {
    super({
      name: 'ProviderStreamError',
      message: `${provider} sent an error mid-stream (${type}): ${message}`,
      cause,
    });
    this.provider = provider;
    this.type = type;
    this.providerMessage = message;
    this.isRetryable = retryableTypes.has(type);
    this.raw = raw;
  }

  /** True for a {@link ProviderStreamError} from any copy of Keel. */
  static override isInstance(error: unknown): error is ProviderStreamError {
    return KeelError.hasMarker(error, marker);
  }
}
