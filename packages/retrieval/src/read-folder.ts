/**
 * Reads a folder into documents for ingestion: every file below it (dot-files and
 * node_modules skipped), with its relative path as id and its modification time as metadata.
 * Files of other types than `extensions` are left out, and told to `onSkip` with why.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { Document, Metadata } from './types';

/** Options of {@link readFolder}. */
export interface ReadFolderOptions {
  /** Only files with these extensions (with the dot), e.g. `['.md', '.ts']`; default all. */
  extensions?: readonly string[];
  /** Metadata added to every document, e.g. `{ tenant: 'acme' }`. */
  metadata?: Metadata;
  /**
   * Told each file left out because its extension is not in `extensions` (a `.gz`, a `.png`),
   * with its id and why, in id order before any document is yielded.
   */
  onSkip?: (file: { id: string; reason: string }) => void;
}

/** The id of `path` below `folder`: its relative path with `/` separators. */
function idOf(folder: string, path: string): string {
  return relative(folder, path).split(sep).join('/');
}

/**
 * Yields the files of `folder` as documents, as bytes: binary files are refused by the
 * chunker with a typed error, which ingestion reports as skipped.
 *
 * @example
 * ```ts
 * const left: string[] = [];
 * await retriever.ingest(
 *   readFolder('./docs', { extensions: ['.md'], onSkip: ({ id, reason }) => left.push(`${id}: ${reason}`) }),
 * );
 * ```
 */
export async function* readFolder(
  folder: string,
  { extensions, metadata = {}, onSkip }: ReadFolderOptions = {},
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
    .sort()
    .filter((path) => {
      if (extensions === undefined || extensions.some((extension) => path.endsWith(extension)))
        return true;
      const type = extname(path) || 'a name with no extension';
      onSkip?.({
        id: idOf(folder, path),
        reason: `${type} is not one of the types read (${extensions.join(' ')})`,
      });
      return false;
    });
  for (const path of files) {
    const { mtime } = await stat(path);
    yield {
      id: idOf(folder, path),
      text: await readFile(path),
      metadata: { ...metadata, modifiedAt: mtime.toISOString() },
    };
  }
}
