/**
 * Reads a folder into documents for ingestion: every file below it (dot-files and
 * node_modules skipped), with its relative path as id and its modification time as metadata.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Document, Metadata } from './types';

/** Options of {@link readFolder}. */
export interface ReadFolderOptions {
  /** Only files with these extensions (with the dot), e.g. `['.md', '.ts']`; default all. */
  extensions?: readonly string[];
  /** Metadata added to every document, e.g. `{ tenant: 'acme' }`. */
  metadata?: Metadata;
}

/**
 * Yields the files of `folder` as documents, as bytes: binary files are refused by the
 * chunker with a typed error, which ingestion reports as skipped.
 *
 * @example
 * ```ts
 * await retriever.ingest(readFolder('./docs', { extensions: ['.md'] }));
 * ```
 */
export async function* readFolder(
  folder: string,
  { extensions, metadata = {} }: ReadFolderOptions = {},
): AsyncGenerator<Document> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(
      (path) =>
        !relative(folder, path)
          .split(sep)
          .some((part) => part.startsWith('.') || part === 'node_modules'),
    )
    .filter(
      (path) =>
        extensions === undefined || extensions.some((extension) => path.endsWith(extension)),
    )
    .sort();
  for (const path of files) {
    const { mtime } = await stat(path);
    yield {
      id: relative(folder, path).split(sep).join('/'),
      text: await readFile(path),
      metadata: { ...metadata, modifiedAt: mtime.toISOString() },
    };
  }
}
