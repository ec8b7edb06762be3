/**
 * Reads the files of a multipart/form-data request with busboy, each held in memory up to the
 * per-file limit: a larger file is drained and reported, never kept, and files past the
 * per-request count are reported too.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ChatError } from './chat-error';

/** A file of the request: its bytes, or why it was not kept. */
export type ReceivedFile = { name: string; bytes: Buffer } | { name: string; reason: string };

/** Options of {@link readMultipartFiles}. */
export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
}

/**
 * The files of `request`, in the order sent.
 *
 * @throws ChatError `unsupported_media_type` for another content type, `invalid_request` for a
 * malformed body.
 * @example
 * ```ts
 * const files = await readMultipartFiles(request, { maxFileBytes: 5_242_880, maxFiles: 20 });
 * ```
 */
export function readMultipartFiles(
  request: IncomingMessage,
  { maxFileBytes, maxFiles }: MultipartLimits,
): Promise<ReceivedFile[]> {
  if (!/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')) {
    throw new ChatError({
      code: 'unsupported_media_type',
      message: 'Send the files as multipart/form-data, one part per file',
    });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: { fileSize: maxFileBytes, files: maxFiles, fields: 20, fieldSize: 1_024 },
    });
  } catch (error) {
    throw new ChatError({
      code: 'invalid_request',
      message: `The multipart body cannot be read (${(error as Error).message}); send it with a boundary`,
      cause: error,
    });
  }
  return new Promise((resolve, reject) => {
    const files: Array<Promise<ReceivedFile>> = [];
    parser.on('file', (_field, stream, { filename }) => {
      const name = filename || `file-${files.length + 1}`;
      files.push(
        new Promise((done) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('limit', () => {
            chunks.length = 0;
          });
          stream.on('close', () => {
            done(
              stream.truncated
                ? {
                    name,
                    reason: `it is larger than ${maxFileBytes} bytes (DOCS_CHAT_UPLOAD_MAX_FILE_BYTES)`,
                  }
                : { name, bytes: Buffer.concat(chunks) },
            );
          });
        }),
      );
    });
    parser.on('filesLimit', () => {
      files.push(
        Promise.resolve({
          name: `(files after the first ${maxFiles})`,
          reason: `one upload takes at most ${maxFiles} files; send the rest in another`,
        }),
      );
    });
    parser.on('error', (error: Error) => {
      request.unpipe(parser);
      reject(
        new ChatError({
          code: 'invalid_request',
          message: `The multipart body is malformed (${error.message}); send one part per file`,
          cause: error,
        }),
      );
    });
    parser.on('close', () => {
      Promise.all(files).then(resolve, reject);
    });
    request.pipe(parser);
  });
}
