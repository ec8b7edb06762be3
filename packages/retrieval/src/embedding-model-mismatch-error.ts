/**
 * The error for an index (a directory or a table) written with another embedding model.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.EmbeddingModelMismatchError';
const symbol = Symbol.for(marker);

/**
 * The index was built with `indexModel` (on disk, or recorded on a pgvector table), but it was
 * opened for `requestedModel`.
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

  /** The index's directory, or its table. */
  readonly path: string;
  readonly indexModel: string;
  readonly requestedModel: string;

  constructor({
    path,
    indexModel,
    requestedModel,
    message,
  }: { path: string; indexModel: string; requestedModel: string; message?: string }) {
    super({
      name: 'EmbeddingModelMismatchError',
      message:
        message ??
        `Index at ${path} was built with embedding model "${indexModel}" but was opened for "${requestedModel}"; open it with the same model or re-index into a new directory`,
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
