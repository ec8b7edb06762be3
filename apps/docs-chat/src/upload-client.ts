/**
 * A client of POST /api/documents: sends files as multipart/form-data and reads the upload's
 * events as they stream (parsed with @keel/streaming). The CLI's `ingest` talks to a running
 * server through it.
 */
import { parseSSE } from '@keel/streaming';
import type { UploadEvent } from './document-routes';
import { UploadRefusedError } from './upload-refused-error';

/** Options of {@link uploadDocuments}. */
export interface UploadOptions {
  /** The server, `http://127.0.0.1:3000`. */
  url: string;
  /** Whose documents they become (`x-user-id`). */
  userId: string;
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
  onEvent?: (event: UploadEvent) => void;
  signal?: AbortSignal;
}

/**
 * Uploads `files` and returns every event, the last one `done` (or `error`).
 *
 * @throws UploadRefusedError when the server refuses the upload before it streams.
 * @example
 * ```ts
 * const events = await uploadDocuments({ url, userId: 'alice', files: [{ name: 'a.md', bytes }] });
 * ```
 */
export async function uploadDocuments({
  url,
  userId,
  files,
  onEvent,
  signal,
}: UploadOptions): Promise<UploadEvent[]> {
  const form = new FormData();
  for (const { name, bytes } of files) form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(new URL('/api/documents', url), {
    method: 'POST',
    headers: { 'x-user-id': userId },
    body: form,
    ...(signal && { signal }),
  });
  if (!response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
    const text = await response.text();
    let error: { code?: string; message?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // Not docs-chat's JSON: the text says what answered.
    }
    throw new UploadRefusedError({
      status: response.status,
      ...(error?.code && { code: error.code }),
      message: error?.message ?? `The server answered ${response.status}: ${text.slice(0, 200)}`,
    });
  }
  const events: UploadEvent[] = [];
  for await (const message of parseSSE(response.body)) {
    const event = JSON.parse(message.data) as UploadEvent;
    events.push(event);
    onEvent?.(event);
  }
  return events;
}
