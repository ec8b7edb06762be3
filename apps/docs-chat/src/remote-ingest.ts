/**
 * `docs-chat ingest` against a running server: the files of the folders and files given are
 * sent to POST /api/documents as the user's own documents, in batches the server takes, and
 * every file's fate (read, or skipped with why), the indexing's progress and the result are
 * printed as the server streams them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { UploadEvent } from './document-routes';
import { uploadDocuments } from './upload-client';

/** Files one request carries (the server's limit per upload). */
const BATCH = 20;

/** Every file under `paths` (folders walked; dot-folders and node_modules left out). */
async function filesUnder(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) {
      found.push(path);
      continue;
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      const full = join(entry.parentPath, entry.name);
      const parts = relative(path, full).split(/[\\/]/);
      if (!entry.isFile() || parts.some((part) => part.startsWith('.') || part === 'node_modules'))
        continue;
      found.push(full);
    }
  }
  return found.sort();
}

/** One line for an event, or undefined for one not printed. */
function describe(event: UploadEvent): string | undefined {
  if (event.type === 'file') {
    return event.status === 'read'
      ? `read ${event.name} (${event.kind}) as ${event.id}`
      : `skipped ${event.name}: ${event.reason}`;
  }
  if (event.type === 'progress') {
    return `indexing: ${event.documents}/${event.totalDocuments} documents, ${event.chunks} chunks`;
  }
  if (event.type === 'error') return `error: ${event.message}`;
  return `${event.added.length} added, ${event.unchanged} unchanged, ${event.skipped.length} skipped; you have ${event.documents.length} documents`;
}

/**
 * Uploads the files under `paths` to the server at `url` as `userId`'s documents; returns the
 * exit code (1 when the server reported an error).
 *
 * @throws UploadRefusedError when the server refuses a batch.
 * @example
 * ```ts
 * process.exitCode = await ingestThroughServer({ url, userId: 'ana', paths: ['./notes'], write });
 * ```
 */
export async function ingestThroughServer({
  url,
  userId,
  paths,
  write,
}: {
  url: string;
  userId: string;
  paths: readonly string[];
  write: (line: string) => void;
}): Promise<number> {
  const files = await filesUnder(paths);
  write(`sending ${files.length} files to ${url} as user "${userId}"\n`);
  let failed = false;
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = await Promise.all(
      files.slice(start, start + BATCH).map(async (path) => ({
        name: basename(path),
        bytes: await readFile(path),
      })),
    );
    await uploadDocuments({
      url,
      userId,
      files: batch,
      onEvent: (event) => {
        if (event.type === 'error') failed = true;
        const line = describe(event);
        if (line) write(`${line}\n`);
      },
    });
  }
  return failed ? 1 : 0;
}
