/**
 * The chunks of a saved retriever: one JSON file, written to a temporary name and renamed, so
 * a reader sees the old file or the new one, never half of one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CorruptIndexError } from './corrupt-index-error';
import type { Chunk } from './types';

/** The text of a chunk file. */
export function serializeChunks(chunks: readonly Chunk[]): string {
  return JSON.stringify({ format: 'keel-chunks-1', chunks });
}

/** Writes `chunks` to `path` atomically. */
export async function saveChunks(path: string, chunks: readonly Chunk[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, serializeChunks(chunks));
  await rename(`${path}.tmp`, path);
}

/** The chunks of a chunk file's text; `path` names it in errors. */
export function parseChunks(text: string, path: string): Chunk[] {
  try {
    const saved = JSON.parse(text) as { format?: string; chunks?: Chunk[] };
    if (saved.format !== 'keel-chunks-1' || !Array.isArray(saved.chunks))
      throw new Error('unknown format');
    return saved.chunks;
  } catch (error) {
    throw new CorruptIndexError({ path, reason: 'the chunk file is not valid', cause: error });
  }
}

/** The chunks saved at `path`, none when there is no file. */
export async function loadChunks(path: string): Promise<Chunk[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseChunks(text, path);
}
