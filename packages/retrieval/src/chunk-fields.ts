/**
 * The BM25F fields of a chunk in the retriever's lexical index: its document's title (the first
 * heading of its path) and the rest of its heading path.
 */
import type { Bm25Document } from './bm25-index';
import type { Chunk } from './types';

/**
 * The title and heading path of a markdown chunk as BM25 fields; none for a chunk without
 * headings (code, plain text).
 *
 * @example
 * ```ts
 * chunkFields({ ...chunk, headingPath: ['Guide', 'Install', 'Linux'] });
 * // { title: 'Guide', headings: 'Install > Linux' }
 * ```
 */
export function chunkFields(chunk: Chunk): Bm25Document['fields'] {
  const [title, ...headings] = chunk.headingPath ?? [];
  return title === undefined ? undefined : { title, headings: headings.join(' > ') };
}
