/**
 * The chunks of a saved retriever and the analyzer of its lexical index: one JSON file, written
 * to a temporary name and renamed, so a reader sees the old file or the new one, never half of
 * one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AnalyzerDescriptor } from './analyzer-descriptor';
import { CorruptIndexError } from './corrupt-index-error';
import type { Chunk } from './types';

/** What a chunk file holds. */
export interface SavedChunks {
  chunks: Chunk[];
  /** The analyzer the index was built with; absent in files saved before it was recorded. */
  analyzer?: AnalyzerDescriptor;
}

/** The text of a chunk file. */
export function serializeChunks(chunks: readonly Chunk[], analyzer: AnalyzerDescriptor): string {
  return JSON.stringify({ format: 'keel-chunks-1', analyzer, chunks });
}

/** Writes `chunks` and their analyzer to `path` atomically. */
export async function saveChunks(
  path: string,
  chunks: readonly Chunk[],
  analyzer: AnalyzerDescriptor,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, serializeChunks(chunks, analyzer));
  await rename(`${path}.tmp`, path);
}

/** What a chunk file's text holds; `path` names it in errors. */
function parseChunks(text: string, path: string): SavedChunks {
  try {
    const saved = JSON.parse(text) as {
      format?: string;
      chunks?: Chunk[];
      analyzer?: AnalyzerDescriptor;
    };
    if (saved.format !== 'keel-chunks-1' || !Array.isArray(saved.chunks))
      throw new Error('unknown format');
    if (saved.analyzer !== undefined && typeof saved.analyzer !== 'object')
      throw new Error('the analyzer is not an object');
    return {
      chunks: saved.chunks,
      ...(saved.analyzer !== undefined && { analyzer: saved.analyzer }),
    };
  } catch (error) {
    throw new CorruptIndexError({ path, reason: 'the chunk file is not valid', cause: error });
  }
}

/** What is saved at `path`; undefined when there is no file. */
async function loadChunks(path: string): Promise<SavedChunks | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseChunks(text, path);
}

/**
 * What a retriever saved in `directory`: the `companion` text its HNSW store keeps with its
 * vectors, or else the chunk file beside them; undefined when neither was saved.
 */
export async function savedChunksIn(
  directory: string,
  companion: string | undefined,
): Promise<SavedChunks | undefined> {
  return companion === undefined
    ? loadChunks(`${directory}/chunks.json`)
    : parseChunks(companion, `${directory}/vectors`);
}
