/**
 * The error for a rerank API that answered with an HTTP error status.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.RerankHttpError';
const symbol = Symbol.for(marker);

/** What to do about each status, as data; other 4xx statuses get the server's own message. */
const ADVICE: Readonly<Record<number, string>> = {
  401: 'check apiKey',
  403: 'check that apiKey may use this model',
  404: 'check baseURL and model',
  429: 'slow down or raise your rate limit',
};

/** Statuses worth retrying besides 5xx. */
const RETRYABLE = new Set([408, 409, 429]);

/**
 * A rerank request answered with an HTTP error. `isRetryable` (5xx, 408, 409, 429) and
 * `retryAfterMs` are what `@keel/resilience` reads to decide on another attempt.
 *
 * @example
 * ```ts
 * try { await reranker.rank({ query, documents }) } catch (error) {
 *   if (RerankHttpError.isInstance(error) && error.status === 401) rotateKey();
 * }
 * ```
 */
export class RerankHttpError extends KeelError {
  protected readonly [symbol] = true;

  /** `cohere` or `voyage`: whose API shape the server speaks. */
  readonly provider: string;
  readonly status: number;
  readonly isRetryable: boolean;
  /** The server's Retry-After, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** The response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;

  constructor({
    provider,
    status,
    serverMessage,
    headers,
  }: {
    provider: string;
    status: number;
    serverMessage: string;
    headers: Record<string, string>;
  }) {
    const advice = ADVICE[status] ?? (status >= 500 ? 'try again later' : 'fix the request');
    super({
      name: 'RerankHttpError',
      message: `The ${provider} rerank request failed with HTTP ${status}: ${serverMessage}; ${advice}`,
    });
    this.provider = provider;
    this.status = status;
    this.isRetryable = status >= 500 || RETRYABLE.has(status);
    const seconds = Number(headers['retry-after']);
    this.retryAfterMs =
      headers['retry-after'] !== undefined && Number.isFinite(seconds) && seconds >= 0
        ? seconds * 1000
        : undefined;
    this.headers = headers;
  }

  /** True for a {@link RerankHttpError} from any copy of Keel. */
  static override isInstance(error: unknown): error is RerankHttpError {
    return KeelError.hasMarker(error, marker);
  }
}
