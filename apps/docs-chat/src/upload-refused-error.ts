/**
 * The error of an upload the server refused before it streamed (not multipart, no user id,
 * a server that is not docs-chat), with the server's status and code.
 */
import { KeelError } from '@keel/core';

const marker = 'docs-chat.error.UploadRefusedError';
const symbol = Symbol.for(marker);

/** The server refused the upload. */
export class UploadRefusedError extends KeelError {
  protected readonly [symbol] = true;

  readonly status: number;
  /** The server's error code (`invalid_request`, `unauthorized`...), when it sent one. */
  readonly code?: string;

  constructor({ status, code, message }: { status: number; code?: string; message: string }) {
    super({ name: 'UploadRefusedError', message });
    this.status = status;
    if (code !== undefined) this.code = code;
  }

  static override isInstance(error: unknown): error is UploadRefusedError {
    return KeelError.hasMarker(error, marker);
  }
}
