/**
 * The error for an index directory written with another embedding model.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.EmbeddingModelMismatchError';
const symbol = Symbol.for(marker);

/**
 * The index on disk was built with `indexModel`, but it was opened for `requestedModel`.
 * Mixing vectors of two models gives meaningless distances, so the index is not opened.
 *
 * @example
 * ```ts
 * try { await createHnswStore({ dim: 384, path, model: 'text-embedding-3-small' }) } catch (error) {
 *   if (EmbeddingModelMismatchError.isInstance(error)) await reindex(error.indexModel);
 * }
 * ```
 */
export class EmbeddingModelMismatchError extends KeelError {
  protected readonly [symbol] = true;

  readonly path: string;
  readonly indexModel: string;
  readonly requestedModel: string;

  constructor({
    path,
    indexModel,
    requestedModel,
  }: { path: string; indexModel: string; requestedModel: string }) {
    super({
      name: 'EmbeddingModelMismatchError',
      message: `Index at ${path} was built with embedding model "${indexModel}" but was opened for "${requestedModel}"; open it with the same model or re-index into a new directory`,
    });
    this.path = path;
    this.indexModel = indexModel;
    this.requestedModel = requestedModel;
  }

  /** True for an {@link EmbeddingModelMismatchError} from any copy of Keel. */
  static override isInstance(error: unknown): error is EmbeddingModelMismatchError {
    return KeelError.hasMarker(error, marker);
  }
}
