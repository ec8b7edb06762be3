/**
 * The error for a rerank response that does not have the shape its API documents.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.RerankResponseError';
const symbol = Symbol.for(marker);

/**
 * A rerank API answered 200 with a body that is not JSON, lacks its results or billed usage, or
 * ranks documents that were not sent.
 *
 * @example
 * ```ts
 * try { await reranker.rank({ query, documents }) } catch (error) {
 *   if (RerankResponseError.isInstance(error)) console.warn(error.reason);
 * }
 * ```
 */
export class RerankResponseError extends KeelError {
  protected readonly [symbol] = true;

  readonly provider: string;
  /** What is wrong with the body. */
  readonly reason: string;

  constructor({ provider, reason, cause }: { provider: string; reason: string; cause?: unknown }) {
    super({
      name: 'RerankResponseError',
      message: `The ${provider} rerank response ${reason}; check that baseURL points to a ${provider}-compatible rerank API`,
      cause,
    });
    this.provider = provider;
    this.reason = reason;
  }

  /** True for a {@link RerankResponseError} from any copy of Keel. */
  static override isInstance(error: unknown): error is RerankResponseError {
    return KeelError.hasMarker(error, marker);
  }
}
