/**
 * The chunks of a saved retriever, read without its embedder or analyzer: what an application
 * indexes again when an upgrade changed either (`EmbeddingModelMismatchError`,
 * `AnalyzerMismatchError`) and the documents are nowhere else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { savedCompanion } from './hnsw-store';
import { savedChunksIn } from './saved-chunks';
import type { Chunk } from './types';

/**
 * The chunks a retriever saved in `directory`, whatever embedder and analyzer it was made
 * with, in the order saved; none for a directory where nothing was saved. Index their texts
 * again (a document's text is its chunks' texts, each without its `overlap` first characters)
 * into a new directory, or into this one once it is removed.
 *
 * @throws CorruptIndexError when a saved file is unreadable or does not match its checksum.
 * @example
 * ```ts
 * const chunks = await readSavedChunks('.keel/docs-index');
 * await rm('.keel/docs-index', { recursive: true });
 * ```
 */
export async function readSavedChunks(directory: string): Promise<Chunk[]> {
  const vectors = join(directory, 'vectors');
  const companion = existsSync(vectors) ? await savedCompanion(vectors) : undefined;
  return (await savedChunksIn(directory, companion))?.chunks ?? [];
}
