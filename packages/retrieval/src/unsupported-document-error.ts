/**
 * The error for a document that is not text.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.UnsupportedDocumentError';
const symbol = Symbol.for(marker);

/** Why a document was refused. */
export type UnsupportedDocumentReason = 'binary' | 'invalid-utf8';

const advice: Record<UnsupportedDocumentReason, string> = {
  binary: 'it looks like a binary file (NUL bytes or control characters); extract its text first',
  'invalid-utf8': 'its bytes are not valid UTF-8; decode it with the right charset first',
};

/**
 * A document could not be chunked because it is binary or not valid UTF-8.
 *
 * @example
 * ```ts
 * try { await retriever.ingest(docs) } catch (error) {
 *   if (UnsupportedDocumentError.isInstance(error)) skip(error.documentId);
 * }
 * ```
 */
export class UnsupportedDocumentError extends KeelError {
  protected readonly [symbol] = true;

  readonly documentId: string;
  readonly reason: UnsupportedDocumentReason;

  constructor({
    documentId,
    reason,
    cause,
  }: { documentId: string; reason: UnsupportedDocumentReason; cause?: unknown }) {
    super({
      name: 'UnsupportedDocumentError',
      message: `Document "${documentId}" cannot be indexed: ${advice[reason]}`,
      cause,
    });
    this.documentId = documentId;
    this.reason = reason;
  }

  /** True for an {@link UnsupportedDocumentError} from any copy of Keel. */
  static override isInstance(error: unknown): error is UnsupportedDocumentError {
    return KeelError.hasMarker(error, marker);
  }
}
